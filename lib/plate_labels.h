/* plate_labels.h: three-letter words that label another number ("CAD 1234", "SEC 1234",
 * "Fri 2130"), so that "XXX 1234" or "XXX-1234" after one of them is not read as a plate split
 * in two. One list for the redactor (lib/redact.c) and the generator (tools/slgen.c, which
 * plants no typed plate that the redactor is documented to leave). The plate rule of
 * rules/sensitive_data.rules vetoes the same words in a regex; test_redact fails when the rule
 * misses one. Lower case; a plain list of string literals, so that the generator, built
 * without the library, can include it too. */
#ifndef SL_PLATE_LABELS_H
#define SL_PLATE_LABELS_H

/* X(word) for each word. */
#define SL_PLATE_LABELS(X)                                                                    \
    X("cad") X("inc") X("rpt") X("hwy") X("exp") X("sgt") X("dep") X("ofc") X("det") X("car")   \
    X("box") X("apt") X("ste") X("rte") X("pin") X("veh") X("dob") X("ssn") X("cdl") X("odl")   \
    X("dln") X("oln") X("jan") X("feb") X("mar") X("apr") X("may") X("jun") X("jul") X("aug")   \
    X("sep") X("oct") X("nov") X("dec") X("and") X("the") X("for") X("per") X("vin") X("was")   \
    X("led") X("won") X("not") X("usc") X("cfr") X("rcw") X("ors") X("oca") X("ori") X("blk")   \
    X("lot") X("bus") X("ext") X("fax") X("tel") X("ref") X("sec") X("cfs") X("evt") X("fir")   \
    X("log") X("doc") X("rec") X("mon") X("tue") X("wed") X("thu") X("fri") X("sat") X("sun")   \
    X("sta") X("pct") X("div")

#endif
