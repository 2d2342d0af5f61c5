/* slgen.c: deterministic generator of realistic Flock audit-log records releases with planted
 * ground truth (truth.csv, truth.json), for the demo, the golden end-to-end tests and the
 * benchmarks. Output is byte-for-byte a function of the options: own PRNG, no time, no locale. */
/*
 * Outputs in DIR: network_audit_YYYY-MM.csv (every search touching the producer's cameras),
 * organization_audit_YYYY-MM.csv (searches by the producer's users), one re-released part of the
 * last network audit cut off mid-record (network_audit_YYYY-MM_cutoff.csv), truth.csv and
 * truth.json. With --size: network_audit_big.csv only (plus truth).
 *
 * truth.csv: file,record,search_key,categories,trap,quirk,text_plate. One line per CSV record
 * of every file except its header (record 1), so record runs 2..N. search_key is the search's UUID
 * (also the ID cell where the file has one), shared by every copy of that search; empty for
 * records that are not searches (quirk repeated_header, cutoff_record). categories are the
 * labels the record's own text supports (reason, plus text prompt; offense type repeats the
 * reason's dropdown category): a redacted copy has none, its twin in the other log keeps them.
 * trap names the keyword trap planted in the reason; quirk is a ';'-joined list of record
 * quirks; text_plate is the license plate typed into the record's reason or Case # cell, as
 * typed (the row's own plate or another; no output may hold it). truth.json has per-file
 * layout and file quirks, counts of rows, distinct searches, and records/searches per category,
 * trap and quirk.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "plate_labels.h" /* lib/: the words that label another number */

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------- PRNG (xoshiro256**) */

typedef struct {
    uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Independent streams: one per (seed, stream id), so a month or a file can be regenerated
 * alone and the draws of one never shift another's. */
static void rng_seed(rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL) ^ 0x5eed5eed5eed5eedULL;
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    const uint64_t out = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

/* Uniform in [0, n) by multiply-shift (bias below 2^-32, irrelevant here). */
static uint32_t rng_below(rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* True with probability pm / 1000. */
static int rng_pm(rng *r, uint32_t pm) { return rng_below(r, 1000) < pm; }

static uint64_t fnv_str(const char *z)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *z; z++) h = (h ^ (unsigned char)*z) * 0x100000001b3ULL;
    return h;
}

/* ---------------------------------------------------------------- output buffer */

#define OB_CAP (1u << 20)
#define ROW_MAX 4096 /* a row (and its duplicate) always fits: flushes happen between rows */

typedef struct {
    FILE *f;
    char *b;
    size_t len;
    uint64_t flushed; /* bytes handed to stdio; ob_total() adds the buffered ones */
    int err;
} obuf;

static uint64_t ob_total(const obuf *o) { return o->flushed + o->len; }

static int ob_open(obuf *o, const char *path)
{
    memset(o, 0, sizeof *o);
    o->f = fopen(path, "wb");
    if (!o->f) return -1;
    o->b = malloc(OB_CAP);
    if (!o->b) {
        fclose(o->f);
        o->f = NULL;
        return -1;
    }
    return 0;
}

static void ob_flush(obuf *o)
{
    if (o->len && fwrite(o->b, 1, o->len, o->f) != o->len) o->err = 1;
    o->flushed += o->len;
    o->len = 0;
}

static int ob_close(obuf *o)
{
    if (!o->f) return 0;
    ob_flush(o);
    if (fclose(o->f) != 0) o->err = 1;
    free(o->b);
    o->f = NULL;
    o->b = NULL;
    return o->err ? -1 : 0;
}

static void ob_need(obuf *o, size_t n)
{
    if (o->len + n > OB_CAP) ob_flush(o);
}

static void ob_mem(obuf *o, const void *p, size_t n)
{
    memcpy(o->b + o->len, p, n);
    o->len += n;
}

static void ob_str(obuf *o, const char *s) { ob_mem(o, s, strlen(s)); }

static void ob_ch(obuf *o, char c) { o->b[o->len++] = c; }

static void ob_u64(obuf *o, uint64_t v)
{
    char t[24];
    int n = 0;
    do {
        t[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) ob_ch(o, t[--n]);
}

static void ob_2d(obuf *o, unsigned v)
{
    ob_ch(o, (char)('0' + v / 10 % 10));
    ob_ch(o, (char)('0' + v % 10));
}

/* ---------------------------------------------------------------- labels */

enum {
    C_IMM, C_HSI, C_FA, C_RH, C_GAC, C_CIV, C_PER, C_NC, C_VAG, C_PRE, C_PRO, C_SD, C_SO,
    C_LOW, C_PRV, C_INT, C_JUV, C_FED, C__COUNT
};
static const char *const cat_names[C__COUNT] = {
    "immigration", "federal.hsi_criminal", "first_amendment", "reproductive_health",
    "gender_affirming_care", "civil_matters", "personal_use", "non_criminal",
    "vague_or_no_purpose", "pretext", "profiling", "sensitive_data_in_reason",
    "sensitive_operations", "low_level_offenses", "private_actors", "interdiction", "juvenile",
    "federal_searcher",
};
#define IMM (1u << C_IMM)
#define HSI (1u << C_HSI)
#define FA (1u << C_FA)
#define RH (1u << C_RH)
#define GAC (1u << C_GAC)
#define CIV (1u << C_CIV)
#define PER (1u << C_PER)
#define NC (1u << C_NC)
#define VAG (1u << C_VAG)
#define PRE (1u << C_PRE)
#define PRO (1u << C_PRO)
#define SD (1u << C_SD)
#define SO (1u << C_SO)
#define LOW (1u << C_LOW)
#define PRV (1u << C_PRV)
#define INT (1u << C_INT)
#define JUV (1u << C_JUV)

enum {
    T_NONE, T_ICE_WORD, T_ICE_CREAM, T_ICY_ROADS, T_ICE_DRUG, T_POLICE_HOLD, T_PRESS,
    T_CHURCH, T_VISIT_IN, T_IN_CUSTODY, T_PO_VIOLATION, T_BAIL_JUMP, T_HSI_CRIM, T__COUNT
};
static const char *const trap_names[T__COUNT] = {
    "", "ice_inside_word", "ice_cream", "icy_roads", "ice_drug", "police_hold",
    "press_charges", "church_temple", "visit_in", "in_custody",
    "protection_order_violation", "bail_jumping", "hsi_criminal",
};

enum {
    Q_DUP, Q_REPEATED_HEADER, Q_CUTOFF, Q_REDACTED, Q_PART_REDACTED, Q_PLACEHOLDER, Q_EMPTY,
    Q_CONSTANT, Q_DRIFT, Q_INACTIVE, Q_WILDCARD, Q_TF_ONE_LINE, Q_DD_EMPTY, Q_OVERLAP, Q__COUNT
};
static const char *const quirk_names[Q__COUNT] = {
    "duplicate_row", "repeated_header", "cutoff_record", "reason_redacted",
    "reason_partly_redacted", "reason_placeholder", "reason_empty", "constant_reason",
    "org_spelling_drift", "org_inactive", "plate_wildcard", "time_frame_one_line",
    "dropdown_empty_detail", "month_overlap",
};
#define QB(q) (1u << (q))

/* ---------------------------------------------------------------- reason bank */

/* 2026 dropdown categories ("Category - detail"). */
enum {
    DD_OTHER, DD_IMM_CIV, DD_IMM_CRIM, DD_STOLEN, DD_ROBBERY, DD_BURGLARY, DD_HOMICIDE,
    DD_MISSING, DD_ASSAULT, DD_NARCOTICS, DD_FRAUD, DD_HITRUN, DD_TRAFFIC, DD_WARRANT,
    DD_KIDNAP, DD_THEFT, DD__COUNT
};
static const char *const dd_names[DD__COUNT] = {
    "Other", "Immigration (civil/administrative)", "Immigration (criminal)", "Stolen Vehicle",
    "Robbery", "Burglary", "Homicide", "Missing Person", "Assault", "Narcotics", "Fraud",
    "Hit and Run", "Traffic", "Warrant", "Kidnapping", "Theft",
};

enum { G_CRIME, G_VAGUE, G_PLACE, G_TRAP, G_IMM, G_HSI, G_FLAG, G_SENS, G_HOTLIST, G__COUNT };

typedef struct {
    const char *text; /* '@C' case number, '@D' date of birth, '@P' phone, '@N' person,
                       * '@L' a license plate as an officer types it, '@A' the hot list, plate
                       * and time of the alert a search was started from, as Flock writes them */
    uint32_t cats;
    uint8_t trap;
    uint8_t dd;
    uint8_t group;
} tmpl;

static const tmpl bank[] = {
    /* ordinary crime: no category */
    {"stolen vehicle", 0, 0, DD_STOLEN, G_CRIME},
    {"Stolen Vehicle", 0, 0, DD_STOLEN, G_CRIME},
    {"stolen veh recovery", 0, 0, DD_STOLEN, G_CRIME},
    {"SV 10851", 0, 0, DD_STOLEN, G_CRIME},
    {"stolen plates", 0, 0, DD_STOLEN, G_CRIME},
    {"stolen vehicle/ felony stop", 0, 0, DD_STOLEN, G_CRIME},
    {"armed robbery suspect vehicle", 0, 0, DD_ROBBERY, G_CRIME},
    {"robbery 211 PC", 0, 0, DD_ROBBERY, G_CRIME},
    {"Robbery", 0, 0, DD_ROBBERY, G_CRIME},
    {"carjacking", 0, 0, DD_ROBBERY, G_CRIME},
    {"strongarm robbery", 0, 0, DD_ROBBERY, G_CRIME},
    {"residential burglary", 0, 0, DD_BURGLARY, G_CRIME},
    {"burglary suspect", 0, 0, DD_BURGLARY, G_CRIME},
    {"commercial burglary 459", 0, 0, DD_BURGLARY, G_CRIME},
    {"burglary and stolen veh", 0, 0, DD_BURGLARY, G_CRIME},
    {"missing person", 0, 0, DD_MISSING, G_CRIME},
    {"Missing Person", 0, 0, DD_MISSING, G_CRIME},
    {"missing at risk adult", 0, 0, DD_MISSING, G_CRIME},
    {"hit and run", 0, 0, DD_HITRUN, G_CRIME},
    {"Hit & Run felony", 0, 0, DD_HITRUN, G_CRIME},
    {"fatal hit and run", 0, 0, DD_HITRUN, G_CRIME},
    {"homicide", 0, 0, DD_HOMICIDE, G_CRIME},
    {"Homicide investigation", 0, 0, DD_HOMICIDE, G_CRIME},
    {"attempted murder", 0, 0, DD_HOMICIDE, G_CRIME},
    {"shooting suspect vehicle", 0, 0, DD_ASSAULT, G_CRIME},
    {"shots fired", 0, 0, DD_ASSAULT, G_CRIME},
    {"agg assault", 0, 0, DD_ASSAULT, G_CRIME},
    {"assault w/ deadly weapon", 0, 0, DD_ASSAULT, G_CRIME},
    {"domestic violence suspect", 0, 0, DD_ASSAULT, G_CRIME},
    {"sexual assault", 0, 0, DD_ASSAULT, G_CRIME},
    {"kidnapping", 0, 0, DD_KIDNAP, G_CRIME},
    {"AMBER alert", 0, 0, DD_KIDNAP, G_CRIME},
    {"felony warrant", 0, 0, DD_WARRANT, G_CRIME},
    {"catalytic converter theft", 0, 0, DD_THEFT, G_CRIME},
    {"grand theft auto parts", 0, 0, DD_THEFT, G_CRIME},
    {"stolen firearm", 0, 0, DD_THEFT, G_CRIME},
    {"mail theft ring", 0, 0, DD_THEFT, G_CRIME},
    {"identity theft", 0, 0, DD_FRAUD, G_CRIME},
    {"fraud suspect", 0, 0, DD_FRAUD, G_CRIME},
    {"check fraud", 0, 0, DD_FRAUD, G_CRIME},
    {"narcotics sales", 0, 0, DD_NARCOTICS, G_CRIME},
    {"fentanyl distribution", 0, 0, DD_NARCOTICS, G_CRIME},
    {"DUI crash", 0, 0, DD_TRAFFIC, G_CRIME},
    {"reckless driving / street racing", 0, 0, DD_TRAFFIC, G_CRIME},
    {"human trafficking", 0, 0, DD_OTHER, G_CRIME},
    {"arson", 0, 0, DD_OTHER, G_CRIME},
    {"felony vandalism", 0, 0, DD_OTHER, G_CRIME},
    {"robery suspect", 0, 0, DD_ROBBERY, G_CRIME},
    {"stolen vehical", 0, 0, DD_STOLEN, G_CRIME},
    /* vague or no purpose */
    {"inv", VAG, 0, DD_OTHER, G_VAGUE},
    {"Inv", VAG, 0, DD_OTHER, G_VAGUE},
    {"investigation", VAG, 0, DD_OTHER, G_VAGUE},
    {"Investigation", VAG, 0, DD_OTHER, G_VAGUE},
    {"INVESTIGATION", VAG, 0, DD_OTHER, G_VAGUE},
    {"invest", VAG, 0, DD_OTHER, G_VAGUE},
    {"criminal investigation", VAG, 0, DD_OTHER, G_VAGUE},
    {"check", VAG, 0, DD_OTHER, G_VAGUE},
    {"chk", VAG, 0, DD_OTHER, G_VAGUE},
    {"susp", VAG, 0, DD_OTHER, G_VAGUE},
    {"suspicious", VAG, 0, DD_OTHER, G_VAGUE},
    {"bolo", VAG, 0, DD_OTHER, G_VAGUE},
    {"BOLO", VAG, 0, DD_OTHER, G_VAGUE},
    {"BOL", VAG, 0, DD_OTHER, G_VAGUE},
    {"follow up", VAG, 0, DD_OTHER, G_VAGUE},
    {"f/u", VAG, 0, DD_OTHER, G_VAGUE},
    {"LE purposes", VAG, 0, DD_OTHER, G_VAGUE},
    {"law enforcement purpose", VAG, 0, DD_OTHER, G_VAGUE},
    {"daytime search for best result", VAG, 0, DD_OTHER, G_VAGUE},
    {"@C", VAG, 0, DD_OTHER, G_VAGUE},
    {"case @C", VAG, 0, DD_OTHER, G_VAGUE},
    {"intel", VAG, 0, DD_OTHER, G_VAGUE},
    {"info", VAG, 0, DD_OTHER, G_VAGUE},
    {"ongoing", VAG, 0, DD_OTHER, G_VAGUE},
    {"per sgt", VAG, 0, DD_OTHER, G_VAGUE},
    /* placeholders (quirk reason_placeholder) */
    {"none", VAG, 0, DD_OTHER, G_PLACE},
    {"n/a", VAG, 0, DD_OTHER, G_PLACE},
    {"N/A", VAG, 0, DD_OTHER, G_PLACE},
    {"-", VAG, 0, DD_OTHER, G_PLACE},
    {"x", VAG, 0, DD_OTHER, G_PLACE},
    {"test", VAG, 0, DD_OTHER, G_PLACE},
    {"0", VAG, 0, DD_OTHER, G_PLACE},
    {".", VAG, 0, DD_OTHER, G_PLACE},
    {"..", VAG, 0, DD_OTHER, G_PLACE},
    {"", VAG, 0, DD_OTHER, G_PLACE},
    /* traps: look flagged to a keyword grep, are not */
    {"vehicle on police hold", 0, T_POLICE_HOLD, DD_OTHER, G_TRAP},
    {"police hold, tow release", 0, T_POLICE_HOLD, DD_OTHER, G_TRAP},
    {"ice cream truck robbed", 0, T_ICE_CREAM, DD_ROBBERY, G_TRAP},
    {"Ice cream truck hit and run", 0, T_ICE_CREAM, DD_HITRUN, G_TRAP},
    {"icy roads crash, driver fled", 0, T_ICY_ROADS, DD_HITRUN, G_TRAP},
    {"crash on icy road", 0, T_ICY_ROADS, DD_TRAFFIC, G_TRAP},
    {"possession of ice", 0, T_ICE_DRUG, DD_NARCOTICS, G_TRAP},
    {"ice and meth sales", 0, T_ICE_DRUG, DD_NARCOTICS, G_TRAP},
    {"assist police with stolen vehicle", 0, T_ICE_WORD, DD_STOLEN, G_TRAP},
    {"burglary at dentist office", 0, T_ICE_WORD, DD_BURGLARY, G_TRAP},
    {"theft from post office", 0, T_ICE_WORD, DD_THEFT, G_TRAP},
    {"justice center vandalism", 0, T_ICE_WORD, DD_OTHER, G_TRAP},
    {"price gouging fraud", 0, T_ICE_WORD, DD_FRAUD, G_TRAP},
    {"stolen veh notice from DMV", 0, T_ICE_WORD, DD_STOLEN, G_TRAP},
    {"arrest warrant service", 0, T_ICE_WORD, DD_WARRANT, G_TRAP},
    {"customer service clerk robbed", 0, T_ICE_WORD, DD_ROBBERY, G_TRAP},
    {"victim wants to press charges", 0, T_PRESS, DD_ASSAULT, G_TRAP},
    {"press charges on theft suspect", 0, T_PRESS, DD_THEFT, G_TRAP},
    {"burglary at church", 0, T_CHURCH, DD_BURGLARY, G_TRAP},
    {"vandalism at temple", 0, T_CHURCH, DD_OTHER, G_TRAP},
    {"theft of church van", 0, T_CHURCH, DD_THEFT, G_TRAP},
    {"stolen veh seen in Temple", 0, T_CHURCH, DD_STOLEN, G_TRAP},
    {"assault suspect D. Church", 0, T_CHURCH, DD_ASSAULT, G_TRAP},
    {"robbery susp may visit in Fresno", 0, T_VISIT_IN, DD_ROBBERY, G_TRAP},
    {"wanted subj to visit in person", 0, T_VISIT_IN, DD_WARRANT, G_TRAP},
    {"suspect in custody, locate vehicle", 0, T_IN_CUSTODY, DD_OTHER, G_TRAP},
    {"arrestee in custody find car", 0, T_IN_CUSTODY, DD_OTHER, G_TRAP},
    {"violation of protection order", 0, T_PO_VIOLATION, DD_WARRANT, G_TRAP},
    {"protective order violation suspect", 0, T_PO_VIOLATION, DD_ASSAULT, G_TRAP},
    {"violation of restraining order", 0, T_PO_VIOLATION, DD_ASSAULT, G_TRAP},
    {"bail jumping", 0, T_BAIL_JUMP, DD_WARRANT, G_TRAP},
    {"wanted for bail jumping", 0, T_BAIL_JUMP, DD_WARRANT, G_TRAP},
    {"FTA / bail jumping", 0, T_BAIL_JUMP, DD_WARRANT, G_TRAP},
    /* HSI criminal cases: federal, not immigration */
    {"HSI stolen vehicle investigation", HSI, T_HSI_CRIM, DD_STOLEN, G_HSI},
    {"HSI narcotics case", HSI, T_HSI_CRIM, DD_NARCOTICS, G_HSI},
    {"assist HSI w/ fentanyl trafficking", HSI, T_HSI_CRIM, DD_NARCOTICS, G_HSI},
    {"HSI child exploitation case", HSI, T_HSI_CRIM, DD_OTHER, G_HSI},
    {"HSI stolen car ring", HSI, T_HSI_CRIM, DD_STOLEN, G_HSI},
    {"HSI money laundering", HSI, T_HSI_CRIM, DD_FRAUD, G_HSI},
    {"hsi narcotics", HSI, T_HSI_CRIM, DD_NARCOTICS, G_HSI},
    /* immigration */
    {"ICE hold", IMM, 0, DD_IMM_CIV, G_IMM},
    {"ice detainer", IMM, 0, DD_IMM_CIV, G_IMM},
    {"ICE warrant", IMM, 0, DD_IMM_CIV, G_IMM},
    {"ICE pickup", IMM, 0, DD_IMM_CIV, G_IMM},
    {"ICE pick up", IMM, 0, DD_IMM_CIV, G_IMM},
    {"assist ICE", IMM, 0, DD_IMM_CIV, G_IMM},
    {"ICE", IMM, 0, DD_IMM_CIV, G_IMM},
    {"ice", IMM, 0, DD_IMM_CIV, G_IMM},
    {"ICE request", IMM, 0, DD_IMM_CIV, G_IMM},
    {"per ICE ERO", IMM, 0, DD_IMM_CIV, G_IMM},
    {"ERO target", IMM, 0, DD_IMM_CIV, G_IMM},
    {"ICE/ERO locate", IMM, 0, DD_IMM_CIV, G_IMM},
    {"HSI", IMM, 0, DD_IMM_CIV, G_IMM},
    {"HSI request", IMM, 0, DD_IMM_CIV, G_IMM},
    {"CBP", IMM, 0, DD_IMM_CIV, G_IMM},
    {"Border Patrol assist", IMM, 0, DD_IMM_CIV, G_IMM},
    {"border patrol", IMM, 0, DD_IMM_CIV, G_IMM},
    {"DHS request", IMM, 0, DD_IMM_CIV, G_IMM},
    {"dhs/ice", IMM, 0, DD_IMM_CIV, G_IMM},
    {"USCIS fraud referral", IMM, 0, DD_IMM_CIV, G_IMM},
    {"deportation", IMM, 0, DD_IMM_CIV, G_IMM},
    {"removal order", IMM, 0, DD_IMM_CIV, G_IMM},
    {"immigration", IMM, 0, DD_IMM_CIV, G_IMM},
    {"Immigration violation", IMM, 0, DD_IMM_CIV, G_IMM},
    {"immigra", IMM, 0, DD_IMM_CIV, G_IMM},
    {"imigration", IMM, 0, DD_IMM_CIV, G_IMM},
    {"immig warrant", IMM, 0, DD_IMM_CIV, G_IMM},
    {"federal immigration detainer", IMM, 0, DD_IMM_CIV, G_IMM},
    {"illegal alien", IMM, 0, DD_IMM_CIV, G_IMM},
    {"undocumented subject", IMM, 0, DD_IMM_CIV, G_IMM},
    {"human smuggling, CBP case", IMM, 0, DD_IMM_CRIM, G_IMM},
    {"alien smuggling", IMM, 0, DD_IMM_CRIM, G_IMM},
    {"illegal reentry", IMM, 0, DD_IMM_CRIM, G_IMM},
    {"ICE hold on juvenile", IMM, 0, DD_IMM_CIV, G_IMM},
    {"interdiction for ICE", IMM | INT, 0, DD_IMM_CIV, G_IMM},
    /* other flagged categories */
    {"protest", FA, 0, DD_OTHER, G_FLAG},
    {"protester vehicle", FA, 0, DD_OTHER, G_FLAG},
    {"rally at city hall", FA, 0, DD_OTHER, G_FLAG},
    {"No Kings protest", FA, 0, DD_OTHER, G_FLAG},
    {"sit-in at capitol", FA, 0, DD_OTHER, G_FLAG},
    {"sit in at the courthouse", FA, 0, DD_OTHER, G_FLAG},
    {"demonstration downtown", FA, 0, DD_OTHER, G_FLAG},
    {"march organizer", FA, 0, DD_OTHER, G_FLAG},
    {"activist", FA, 0, DD_OTHER, G_FLAG},
    {"protestors blocking road", FA, 0, DD_OTHER, G_FLAG},
    {"protest at abortion clinic", FA | RH, 0, DD_OTHER, G_FLAG},
    {"abortion", RH, 0, DD_OTHER, G_FLAG},
    {"self-managed abortion", RH, 0, DD_OTHER, G_FLAG},
    {"abortion clinic", RH, 0, DD_OTHER, G_FLAG},
    {"planned parenthood", RH, 0, DD_OTHER, G_FLAG},
    {"woman traveled for abortion", RH, 0, DD_OTHER, G_FLAG},
    {"abortion pills delivery", RH, 0, DD_OTHER, G_FLAG},
    {"gender affirming care", GAC, 0, DD_OTHER, G_FLAG},
    {"gender-affirming care clinic", GAC, 0, DD_OTHER, G_FLAG},
    {"transgender minor treatment", GAC, 0, DD_OTHER, G_FLAG},
    {"puberty blockers", GAC, 0, DD_OTHER, G_FLAG},
    {"custody dispute", CIV, 0, DD_OTHER, G_FLAG},
    {"child custody exchange", CIV, 0, DD_OTHER, G_FLAG},
    {"civil standby", CIV, 0, DD_OTHER, G_FLAG},
    {"civil matter", CIV, 0, DD_OTHER, G_FLAG},
    {"serve restraining order", CIV, 0, DD_OTHER, G_FLAG},
    {"vehicle repossession", CIV, 0, DD_OTHER, G_FLAG},
    {"landlord tenant dispute", CIV, 0, DD_OTHER, G_FLAG},
    {"property dispute", CIV, 0, DD_OTHER, G_FLAG},
    {"personal", PER, 0, DD_OTHER, G_FLAG},
    {"checking on my ex", PER, 0, DD_OTHER, G_FLAG},
    {"my daughters boyfriend", PER, 0, DD_OTHER, G_FLAG},
    {"who is parked at my house", PER, 0, DD_OTHER, G_FLAG},
    {"my neighbor", PER, 0, DD_OTHER, G_FLAG},
    {"personal use", PER, 0, DD_OTHER, G_FLAG},
    {"training", NC, 0, DD_OTHER, G_FLAG},
    {"Training", NC, 0, DD_OTHER, G_FLAG},
    {"testing system", NC, 0, DD_OTHER, G_FLAG},
    {"demo for council", NC, 0, DD_OTHER, G_FLAG},
    {"training exercise", NC, 0, DD_OTHER, G_FLAG},
    {"new user training", NC, 0, DD_OTHER, G_FLAG},
    {"pretext stop", PRE, 0, DD_OTHER, G_FLAG},
    {"find PC to stop", PRE, 0, DD_OTHER, G_FLAG},
    {"looking for reason to stop", PRE, 0, DD_OTHER, G_FLAG},
    {"suspicious hispanic males", PRO, 0, DD_OTHER, G_FLAG},
    {"vehicle out of place in area", PRO, 0, DD_OTHER, G_FLAG},
    {"doesnt belong in neighborhood", PRO, 0, DD_OTHER, G_FLAG},
    {"suspicious out of state plates", INT, 0, DD_OTHER, G_FLAG}, /* travel origin: issue 4 */
    {"undercover op", SO, 0, DD_OTHER, G_FLAG},
    {"CI meet", SO, 0, DD_OTHER, G_FLAG},
    {"confidential informant", SO, 0, DD_OTHER, G_FLAG},
    {"internal affairs investigation", SO, 0, DD_OTHER, G_FLAG},
    {"sensitive op do not disclose", SO, 0, DD_OTHER, G_FLAG},
    {"expired registration", LOW, 0, DD_TRAFFIC, G_FLAG},
    {"expired tags", LOW, 0, DD_TRAFFIC, G_FLAG},
    {"shoplifting", LOW, 0, DD_THEFT, G_FLAG},
    {"petty theft", LOW, 0, DD_THEFT, G_FLAG},
    {"littering", LOW, 0, DD_OTHER, G_FLAG},
    {"loitering", LOW, 0, DD_OTHER, G_FLAG},
    {"trespassing", LOW, 0, DD_OTHER, G_FLAG},
    {"parking violation", LOW, 0, DD_TRAFFIC, G_FLAG},
    {"unpaid tolls", LOW, 0, DD_TRAFFIC, G_FLAG},
    {"bail recovery", PRV, 0, DD_OTHER, G_FLAG},
    {"bounty hunter request", PRV, 0, DD_OTHER, G_FLAG},
    {"bail bondsman request", PRV, 0, DD_OTHER, G_FLAG},
    {"skip trace for bondsman", PRV, 0, DD_OTHER, G_FLAG},
    {"private investigator request", PRV, 0, DD_OTHER, G_FLAG},
    {"drug interdiction", INT, 0, DD_NARCOTICS, G_FLAG},
    {"highway interdiction", INT, 0, DD_NARCOTICS, G_FLAG},
    {"I-10 interdiction", INT, 0, DD_NARCOTICS, G_FLAG},
    {"criminal interdiction", INT, 0, DD_OTHER, G_FLAG},
    {"cash courier interdiction", INT, 0, DD_OTHER, G_FLAG},
    /* not juvenile (issue 4: curfew, truancy, suppression; rules/juvenile.rules, false_neg): a
     * runaway is a missing-person case, a juvenile suspect's search is about the crime */
    {"runaway juvenile", 0, 0, DD_MISSING, G_FLAG},
    {"juvenile runaway", 0, 0, DD_MISSING, G_FLAG},
    {"juv suspect", 0, 0, DD_OTHER, G_FLAG},
    {"truant student", JUV, 0, DD_OTHER, G_FLAG},
    {"juvenile curfew", JUV, 0, DD_OTHER, G_FLAG},
    /* personal data typed into the reason */
    {"welfare check DOB @D", SD, 0, DD_OTHER, G_SENS},
    {"subj DOB @D ph @P", SD, 0, DD_OTHER, G_SENS},
    {"call RP at @P", SD, 0, DD_OTHER, G_SENS},
    {"@N DOB @D", SD, 0, DD_OTHER, G_SENS},
    {"vehicle of @N ph @P", SD, 0, DD_OTHER, G_SENS},
    {"runaway @N DOB @D", SD, 0, DD_MISSING, G_SENS},
    {"stolen veh @L", SD, 0, DD_STOLEN, G_SENS},
    {"@L", SD | VAG, 0, DD_OTHER, G_SENS},
    {"plate @L", SD | VAG, 0, DD_OTHER, G_SENS},
    {"hit and run susp veh (@L)", SD, 0, DD_HITRUN, G_SENS},
    {"felony stop @L armed", SD, 0, DD_WARRANT, G_SENS},
    /* Flock's own reason for a search started from an alert (a real portal log has them) */
    {"Other image search from alerts page associated with Alert: @A", SD, 0, DD_STOLEN, G_SENS},
    /* hotlist lookups (automatic) */
    {"Hotlist alert", 0, 0, DD_STOLEN, G_HOTLIST},
    {"NCIC hit", 0, 0, DD_STOLEN, G_HOTLIST},
    {"hotlist: stolen vehicle", 0, 0, DD_STOLEN, G_HOTLIST},
};

#define CONSTANT_REASON "Investigative purposes"

/* Agency and vendor redaction markers typed over a reason. */
typedef struct {
    const char *text;
    uint8_t partial;
} redaction;
static const redaction redactions[] = {
    {"***", 0},       {"REDACTED", 0},    {"[REDACTED]", 0},
    {"###", 0},       {"* * *", 0},       {" REDACTED", 0},
    {"7923.600 GC", 0}, {"\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88", 0},
    {"REDACTED / 459 SUS", 1}, {"R*** / 10851 VC", 1},
};

typedef struct {
    const char *text;
    uint32_t cats;
} prompt;
static const prompt prompts[] = {
    {"red pickup truck with ladder", 0},     {"white van with roof rack", 0},
    {"black sedan with tinted windows", 0},  {"silver SUV with bike rack", 0},
    {"blue hatchback with dented bumper", 0}, {"green Honda Civic missing hubcap", 0},
    {"gray Tesla Model 3", 0},               {"truck with mexican flag sticker", PRO},
    {"car with protest signs", FA},          {"car parked at planned parenthood", RH},
};

static const char *const filters[] = {
    "Make: Toyota, Color: Red", "Make: Honda", "Color: White, Body Type: Van",
    "Make: Ford, Model: F-150", "Body Type: SUV, Color: Black", "State: TX",
    "Make: Chevrolet, Color: Silver, Body Type: Pickup", "Make: Nissan, Color: Blue",
    "Body Type: Sedan", "Color: Gray, Make: Tesla",
};

static const char *const stypes[] = {
    "lookup", "search", "convoy", "visual", "freeform", "multiGeo", "apiLookup",
};
enum { ST_LOOKUP, ST_SEARCH, ST_CONVOY, ST_VISUAL, ST_FREEFORM, ST_MULTIGEO, ST_API };

static const char *const first_names[] = {
    "James", "Maria", "Robert", "Linda", "Michael", "Patricia", "David", "Jennifer", "Daniel",
    "Elena", "Kevin", "Sarah", "Brian", "Angela", "Jose", "Nicole", "Steven", "Karen", "Eric",
    "Laura", "Anthony", "Megan", "Mark", "Rosa", "Paul", "Amy", "Jason", "Teresa", "Ryan",
    "Diana", "Victor", "Hannah", "Scott", "Grace", "Luis", "Alicia", "Tyler", "Monica",
    "Derek", "Yolanda",
};
static const char *const last_names[] = {
    "Alder", "Brandt", "Castillo", "Dawson", "Ellery", "Fairbank", "Garrison", "Holloway",
    "Ibarra", "Jensen", "Kowalski", "Lindqvist", "Marsh", "Nakamura", "Okafor", "Pruitt",
    "Quintero", "Rourke", "Sandoval", "Thorne", "Underwood", "Vasquez", "Whitfield", "Yates",
    "Zeller", "Abernathy", "Beltran", "Carver", "Delgado", "Easton", "Fenwick", "Galloway",
    "Hadley", "Irving", "Jaramillo", "Kessler", "Lockhart", "Mendez", "Norwood", "Ostrander",
};
static const char *const cities[] = {
    "Fairview", "Riverton", "Cedar Falls", "Millbrook", "Lakeside", "Oak Ridge", "Pine Bluff",
    "Glenwood", "Brookhaven", "Ashford", "Clearwater", "Elmwood", "Greenfield", "Harmony",
    "Kingsport", "Maple Grove", "Northfield", "Pleasant Hill", "Redwood Valley", "Stonebridge",
    "Westbrook", "Bayview", "Copper Canyon", "Dry Creek", "Eagle Point", "Fox Hollow",
    "Granite City", "Hillcrest", "Iron Springs", "Juniper", "Kestrel Bay", "Laurel Springs",
    "Mesa Verde", "New Haven Park", "Orchard Park", "Prairie View", "Quail Run", "Sandy Hook",
    "Timber Lake", "Willow Creek",
};
static const char *const counties[] = {
    "Alder", "Blue Ridge", "Coyote", "Delta", "Evergreen", "Foothill", "Gold Coast",
    "High Plains", "Inland", "Lone Pine", "Mariposa", "North Shore", "Red Rock", "Silver Lake",
    "Twin Rivers", "Valley",
};
static const char *const states[] = {
    "CA", "TX", "AZ", "NV", "OR", "WA", "GA", "FL", "TN", "OH", "IL", "CO", "NM", "UT", "VA",
};

/* ---------------------------------------------------------------- organizations */

enum { K_LOCAL, K_PRODUCER, K_FED_HSI, K_FED_CBP, K_FED_ICE, K_FED_OTHER };

#define MAX_USERS 24
#define LIAISON_USER 5  /* the producer's user who searches for immigration (gen_search) */
#define LIAISON_PM 400  /* the share of their searches, per mille */
#define REPEAT_USER 2   /* the producer's user who searches one plate again and again */
#define REPEAT_PM 350   /* the share of their plate searches, per mille */

typedef struct {
    char name[72];
    char drift[72];    /* spelling in odd months when has_drift */
    uint8_t kind;
    uint8_t has_drift, inactive, constant, tf_one_line, case_fmt;
    uint16_t nusers;
    uint32_t user0;    /* first index into the user name table */
    uint32_t cum;      /* cumulative pick weight */
} org;

/* ---------------------------------------------------------------- generator state */

enum {
    COL_ID, COL_NAME, COL_ORG, COL_NETS, COL_DEVS, COL_TF, COL_PLATE, COL_REASON, COL_CASE,
    COL_FILTERS, COL_STIME, COL_STYPE, COL_PROMPT, COL_MOD, COL_OFFENSE, COL__COUNT
};
static const char *const col_names[COL__COUNT] = {
    "ID", "Name", "Org Name", "Total Networks Searched", "Total Devices Searched", "Time Frame",
    "License Plate", "Reason", "Case #", "Filters", "Search Time", "Search Type", "Text Prompt",
    "Moderation", "Offense Type",
};

enum { FQ_BOM, FQ_CRLF, FQ_QUOTE_ALL, FQ_UNPAD, FQ_NO_ID, FQ_DEVS, FQ_OFFENSE, FQ_NAMES_RED,
       FQ_HDR_SPACE, FQ_REP_HDR, FQ_CUTOFF, FQ_OVERLAP, FQ__COUNT };
static const char *const fquirk_names[FQ__COUNT] = {
    "bom", "crlf", "quote_all", "unpadded_times", "no_id_column", "devices_column",
    "offense_column", "names_plates_redacted", "header_leading_space", "repeated_header",
    "cutoff", "overlaps_previous_month",
};

typedef struct {
    char name[80];
    int net;                 /* 1 network audit, 0 organization audit */
    int cols[COL__COUNT];
    int ncols;
    uint32_t fq;             /* FQ_ bits */
    int names_red;           /* Name and License Plate are "***" */
    obuf ob;
    rng r;                   /* file-level draws (duplicates) */
    uint64_t records;        /* CSV records written, header included */
    uint64_t search_rows;    /* records that are searches (duplicates included) */
    uint64_t rep_hdr_at;     /* write the header again before this data row (0: never) */
    int open;
} outfile;

#define MAX_FILES 512

typedef struct {
    /* options */
    const char *out;
    uint64_t seed;
    uint64_t rows;
    uint64_t size;
    int months;
    int start_y, start_m;
    int norgs;
    const char *producer;
    int quirks;
    int only;                /* 0 both, 1 network, 2 org */
    int truth_off;
    int agencies;            /* --agencies K: a collection of K agencies' releases (0: one) */
    /* model */
    char repeat_plate[12];   /* the planted repeat's plate (truth.json "planted_repeat") */
    org *orgs;
    char (*users)[40];
    uint32_t nusers;
    uint32_t wsum;
    char prod_state[3];
    int group_idx[G__COUNT][256];
    int group_n[G__COUNT];
    /* outputs */
    obuf truth;
    int truth_open;
    outfile *files;
    int nfiles;
    /* counts */
    uint64_t rec_cat[C__COUNT], srch_cat[C__COUNT];
    uint64_t rec_trap[T__COUNT], rec_quirk[Q__COUNT];
    uint64_t searches, search_rows, searches_net, searches_org, searches_both;
    int main_pass;
    uint32_t extra_q;        /* quirks added to every record written (overlap pass) */
    /* the collection: each agency's network and organization audits, and which agency an
     * organization is (-1: none of them) */
    outfile **anet, **aorg;
    int *agency_of;
} gen;

typedef struct {
    char key[37];
    uint32_t org;
    uint32_t user;
    int drift;
    int64_t t, tf0, tf1;
    uint32_t nets, devs;
    char plate[12];
    char tplate[16];         /* the plate typed into the reason or the case number cell, as
                              * typed ("" none) */
    size_t tplate_at;        /* its offset in reason; SIZE_MAX: not in the reason */
    int case_plate;          /* the Case # cell holds tplate instead of a case number */
    char reason[256];
    size_t reason_len;
    uint32_t cats;           /* of the reason text as typed */
    uint8_t trap;
    uint32_t q;              /* search-level quirks */
    char casen[24];
    const char *filt;
    int stype, mobile;
    int prompt;              /* index or -1 */
    const char *moderation;
    char offense[80];
    int in_net, in_org;
    int red[2];              /* redaction marker per copy (0 network, 1 org), -1 none */
} search;

/* ---------------------------------------------------------------- dates */

/* Days since 1970-01-01 of a civil date (Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

/* Month number m (0-based from the start month) as absolute y*12 + (month - 1). */
static int abs_month(const gen *g, int m) { return g->start_y * 12 + g->start_m - 1 + m; }

/* Epoch seconds of a file's window start: local midnight (UTC-7) of the month's first day. */
static int64_t month_start(int am)
{
    return days_from_civil(am / 12, (unsigned)(am % 12 + 1), 1) * 86400 + 7 * 3600;
}

#define AM_NAMES_REDACTED (2025 * 12 + 11) /* December 2025 */
#define AM_DROPDOWN (2026 * 12 + 0)        /* January 2026 */
#define AM_PROMPTS (2025 * 12 + 9)         /* October 2025 */
#define AM_NO_DEVICES (2025 * 12 + 10)     /* November 2025 */

/* The "MM/DD/YYYY, " part of a day, cached: rows come in time order, so a handful of days
 * cover almost every call. */
typedef struct {
    int64_t days;
    int unpad;
    char s[16];
    size_t n;
} day_text;

static const day_text *day_format(int64_t days, int unpad)
{
    static day_text cache[8];
    static int init;
    if (!init) {
        for (size_t i = 0; i < N_ELEMS(cache); i++) cache[i].days = INT64_MIN;
        init = 1;
    }
    day_text *c = &cache[((uint64_t)days * 2 + (uint64_t)unpad) % N_ELEMS(cache)];
    if (c->days == days && c->unpad == unpad) return c;
    int y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    obuf tmp = {NULL, c->s, 0, 0, 0};
    if (unpad) ob_u64(&tmp, m); else ob_2d(&tmp, m);
    ob_ch(&tmp, '/');
    if (unpad) ob_u64(&tmp, d); else ob_2d(&tmp, d);
    ob_ch(&tmp, '/');
    ob_u64(&tmp, (uint64_t)y % 10000);
    ob_mem(&tmp, ", ", 2);
    c->n = tmp.len;
    c->days = days;
    c->unpad = unpad;
    return c;
}

/* "MM/DD/YYYY, HH:MM:SS AM UTC"; unpadded month, day and hour when unpad. */
static void ob_time(obuf *o, int64_t t, int unpad)
{
    int64_t days = t / 86400;
    int64_t sec = t % 86400;
    if (sec < 0) {
        sec += 86400;
        days--;
    }
    const day_text *dt = day_format(days, unpad);
    ob_mem(o, dt->s, dt->n);
    unsigned h = (unsigned)(sec / 3600), mi = (unsigned)(sec / 60 % 60), s = (unsigned)(sec % 60);
    unsigned h12 = h % 12 ? h % 12 : 12;
    if (unpad) ob_u64(o, h12); else ob_2d(o, h12);
    ob_ch(o, ':');
    ob_2d(o, mi);
    ob_ch(o, ':');
    ob_2d(o, s);
    ob_mem(o, h < 12 ? " AM UTC" : " PM UTC", 7);
}

/* ---------------------------------------------------------------- small text helpers */

typedef struct {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->len + n >= b->cap) n = b->cap - 1 - b->len;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

static void sb_num(sbuf *b, uint64_t v, int width)
{
    char t[24];
    int n = 0;
    do {
        t[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v || n < width);
    char r[24];
    for (int i = 0; i < n; i++) r[i] = t[n - 1 - i];
    sb_put(b, r, (size_t)n);
}

static void make_case(rng *r, int fmt, int year, char *out, size_t cap)
{
    sbuf b = {out, 0, cap};
    out[0] = '\0';
    int yy = year % 100;
    switch (fmt) {
    case 0: sb_num(&b, (uint64_t)yy, 2); sb_str(&b, "-"); sb_num(&b, rng_below(r, 999999), 6); break;
    case 1: sb_num(&b, (uint64_t)year, 4); sb_str(&b, "-"); sb_num(&b, rng_below(r, 99999999), 8); break;
    case 2: sb_str(&b, "CR"); sb_num(&b, (uint64_t)yy, 2); sb_str(&b, "-"); sb_num(&b, rng_below(r, 9999), 4); break;
    case 3: sb_str(&b, "P"); sb_num(&b, (uint64_t)yy, 2); sb_num(&b, rng_below(r, 999999), 6); break;
    case 4: sb_str(&b, "#"); sb_num(&b, (uint64_t)yy, 2); sb_str(&b, "-"); sb_num(&b, rng_below(r, 99999), 5); break;
    default: sb_str(&b, "SO"); sb_num(&b, (uint64_t)yy, 2); sb_str(&b, "-"); sb_num(&b, rng_below(r, 99999), 5); break;
    }
}

/* A plate of form 0 (8ABC123), 1 (ABC1234) or else 5 to 8 mixed characters. */
static void make_plate_form(rng *r, char *out, uint32_t form, int wildcard)
{
    static const char L[] = "ABCDEFGHJKLMNPRSTUVWXYZ";
    static const char A[] = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
    char p[12];
    int n = 0;
    switch (form) {
    case 0: /* 8ABC123 */
        p[n++] = (char)('1' + rng_below(r, 9));
        for (int i = 0; i < 3; i++) p[n++] = L[rng_below(r, sizeof L - 1)];
        for (int i = 0; i < 3; i++) p[n++] = (char)('0' + rng_below(r, 10));
        break;
    case 1: /* ABC1234 */
        for (int i = 0; i < 3; i++) p[n++] = L[rng_below(r, sizeof L - 1)];
        for (int i = 0; i < 4; i++) p[n++] = (char)('0' + rng_below(r, 10));
        break;
    default: { /* 5 to 8 mixed */
        int len = 5 + (int)rng_below(r, 4);
        for (int i = 0; i < len; i++) p[n++] = A[rng_below(r, sizeof A - 1)];
        break;
    }
    }
    if (wildcard) { /* replace a run of 1-3 characters by one '*', keeping 4 or more */
        int k = 1 + (int)rng_below(r, 3);
        if (k > n - 4) k = n - 4;
        int at = 1 + (int)rng_below(r, (uint32_t)(n - k - 1));
        memmove(p + at + 1, p + at + k, (size_t)(n - at - k));
        p[at] = '*';
        n = n - k + 1;
    }
    memcpy(out, p, (size_t)n);
    out[n] = '\0';
}

static void make_plate(rng *r, char *out, int wildcard)
{
    make_plate_form(r, out, rng_below(r, 4), wildcard);
}

static void case_transform(char *p, size_t n, int upper)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (upper && c >= 'a' && c <= 'z') p[i] = (char)(c - 32);
        if (!upper && c >= 'A' && c <= 'Z') p[i] = (char)(c + 32);
    }
}

static int is_up(char c) { return c >= 'A' && c <= 'Z'; }
static int is_dig(char c) { return c >= '0' && c <= '9'; }

/* A plate of form 0 (8ABC123, letters at 1) or 1 (ABC1234, letters at 0); -1 otherwise. */
static int plate_letters_at(const char *p)
{
    if (strlen(p) != 7) return -1;
    if (is_dig(p[0]) && is_up(p[1]) && is_up(p[2]) && is_up(p[3]) && is_dig(p[4]) && is_dig(p[5]) &&
        is_dig(p[6]))
        return 1;
    if (is_up(p[0]) && is_up(p[1]) && is_up(p[2]) && is_dig(p[3]) && is_dig(p[4]) && is_dig(p[5]) &&
        is_dig(p[6]))
        return 0;
    return -1;
}

/* Whether p, typed into a reason in any of text_plate's forms, is a plate both to the redactor
 * and to rules/sensitive_data.rules. Not when its letters are a word those read as the label of
 * another number ("CAD 1234", "SEC 1234"; lib/plate_labels.h) or its four digits a year: a
 * documented miss (the rule's false_neg), so the generator plants none. */
static int text_plate_ok(const char *p)
{
#define LABEL(w) w,
    static const char *const labels[] = {SL_PLATE_LABELS(LABEL)};
#undef LABEL
    int at = plate_letters_at(p);
    if (at < 0) return 0;
    for (size_t i = 0; i < N_ELEMS(labels); i++)
        if (strncasecmp(p + at, labels[i], 3) == 0) return 0;
    int year = at == 0 && (memcmp(p + 3, "19", 2) == 0 || memcmp(p + 3, "20", 2) == 0);
    return !year;
}

/* The plate an officer types into a reason: the row's own (most often) or another, as it is,
 * in lower case, split by a dash or a space after its letters ("ABC-1234", "8abc 123"). */
static void text_plate(rng *r, const char *own, char *out)
{
    char p[12];
    if (own[0] && text_plate_ok(own) && rng_pm(r, 700)) memcpy(p, own, 8);
    else
        do make_plate_form(r, p, rng_below(r, 2), 0);
        while (!text_plate_ok(p));
    const int split = plate_letters_at(p) + 3; /* after the letters */
    const uint32_t style = rng_below(r, 6);
    size_t n = 0;
    for (int i = 0; p[i]; i++) {
        if (i == split && (style == 3 || style == 5)) out[n++] = '-';
        if (i == split && style == 4) out[n++] = ' ';
        out[n++] = p[i];
    }
    out[n] = '\0';
    if (style == 2 || style == 5) case_transform(out, n, 0);
}

static void make_uuid(rng *r, char *out)
{
    static const char hex[] = "0123456789abcdef";
    uint64_t a = rng_next(r), b = rng_next(r);
    a = (a & ~0xf000ULL) | 0x4000ULL;                        /* version 4 */
    b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL; /* variant */
    char *o = out;
    for (int i = 0; i < 16; i++) {
        unsigned v = (unsigned)((i < 8 ? a >> (56 - 8 * i) : b >> (56 - 8 * (i - 8))) & 0xff);
        if (i == 4 || i == 6 || i == 8 || i == 10) *o++ = '-';
        *o++ = hex[v >> 4];
        *o++ = hex[v & 15];
    }
    *o = '\0';
}

/* Expands a template's placeholders into b. */
static void expand(gen *g, rng *r, const char *t, search *s, int year, sbuf *b)
{
    for (const char *p = t; *p; p++) {
        if (*p != '@' || !p[1]) {
            const char *at = strchr(p, '@');
            size_t n = at ? (size_t)(at - p) : strlen(p);
            if (n == 0) n = 1; /* a trailing lone '@' */
            sb_put(b, p, n);
            p += n - 1;
            continue;
        }
        p++;
        if (*p == 'C') {
            if (s->casen[0]) sb_str(b, s->casen);
            else {
                char c[24];
                make_case(r, g->orgs[s->org].case_fmt, year, c, sizeof c);
                sb_str(b, c);
            }
        } else if (*p == 'D') {
            sb_num(b, 1 + rng_below(r, 12), 2);
            sb_str(b, "/");
            sb_num(b, 1 + rng_below(r, 28), 2);
            sb_str(b, "/");
            sb_num(b, 1950 + rng_below(r, 56), 4);
        } else if (*p == 'P') {
            sb_str(b, "(");
            sb_num(b, 200 + rng_below(r, 800), 3);
            sb_str(b, ") 555-01");
            sb_num(b, rng_below(r, 100), 2);
        } else if (*p == 'L') {
            if (!s->tplate[0]) text_plate(r, s->plate, s->tplate); /* or the Case # cell's */
            s->tplate_at = b->len;
            sb_str(b, s->tplate);
        } else if (*p == 'A') {
            /* "Stolen Vehicle 8ABC123 - 2025-08-19T23:56:22.939Z": the plate as read (the row's
             * own when it has one without a wildcard), the alert a few seconds before */
            static const char *const lists[] = {"Stolen Vehicle", "Stolen Plate", "INVESTIGATION",
                                                "Investigation", "Missing Person"};
            sb_str(b, lists[rng_below(r, N_ELEMS(lists))]);
            sb_str(b, " ");
            if (!s->tplate[0]) {
                if (s->plate[0] && !strchr(s->plate, '*')) snprintf(s->tplate, sizeof s->tplate, "%s", s->plate);
                else make_plate_form(r, s->tplate, rng_below(r, 3), 0);
            }
            s->tplate_at = b->len;
            sb_str(b, s->tplate);
            int64_t at = s->t - 1 - (int64_t)rng_below(r, 60);
            int y;
            unsigned mo, d;
            civil_from_days(at / 86400, &y, &mo, &d);
            sb_str(b, " - ");
            sb_num(b, (uint64_t)y, 4);
            sb_str(b, "-");
            sb_num(b, mo, 2);
            sb_str(b, "-");
            sb_num(b, d, 2);
            sb_str(b, "T");
            sb_num(b, (uint64_t)(at % 86400 / 3600), 2);
            sb_str(b, ":");
            sb_num(b, (uint64_t)(at % 3600 / 60), 2);
            sb_str(b, ":");
            sb_num(b, (uint64_t)(at % 60), 2);
            sb_str(b, ".");
            sb_num(b, rng_below(r, 1000), 3);
            sb_str(b, "Z");
        } else if (*p == 'N') {
            sb_str(b, first_names[rng_below(r, N_ELEMS(first_names))]);
            sb_str(b, " ");
            sb_str(b, last_names[rng_below(r, N_ELEMS(last_names))]);
        }
    }
}

/* ---------------------------------------------------------------- model setup */

static int parse_state(const char *producer, char *st)
{
    /* the first whole word of two capital letters, e.g. "Alder Creek CA PD" -> CA */
    const char *p = producer;
    while (*p) {
        while (*p == ' ') p++;
        const char *w = p;
        while (*p && *p != ' ') p++;
        if (p - w == 2 && w[0] >= 'A' && w[0] <= 'Z' && w[1] >= 'A' && w[1] <= 'Z' &&
            !(w[0] == 'P' && w[1] == 'D') && !(w[0] == 'S' && w[1] == 'O')) {
            st[0] = w[0];
            st[1] = w[1];
            st[2] = '\0';
            return 0;
        }
    }
    return -1;
}

static void set_name(org *o, const char *a, const char *b, const char *c, const char *d)
{
    sbuf s = {o->name, 0, sizeof o->name};
    o->name[0] = '\0';
    sb_str(&s, a);
    if (b) sb_str(&s, b);
    if (c) sb_str(&s, c);
    if (d) sb_str(&s, d);
}

static int setup_orgs(gen *g)
{
    rng r;
    rng_seed(&r, g->seed, 1);
    g->orgs = calloc((size_t)g->norgs, sizeof *g->orgs);
    g->users = calloc((size_t)g->norgs * MAX_USERS, sizeof *g->users);
    if (!g->orgs || !g->users) return -1;
    rng pr; /* a stream of its own: the organizations stay as they were */
    rng_seed(&pr, g->seed, 0x2e9e0001u);
    make_plate_form(&pr, g->repeat_plate, 1, 0);
    const char *ps = g->prod_state;
    for (int i = 0; i < g->norgs; i++) {
        org *o = &g->orgs[i];
        o->kind = K_LOCAL;
        o->case_fmt = (uint8_t)rng_below(&r, 6);
        o->tf_one_line = g->quirks && rng_pm(&r, 150);
        const char *city = cities[rng_below(&r, N_ELEMS(cities))];
        const char *county = counties[rng_below(&r, N_ELEMS(counties))];
        const char *st = rng_pm(&r, 550) ? ps : states[rng_below(&r, N_ELEMS(states))];
        char st_sp[8] = " ";
        memcpy(st_sp + 1, st, 3);
        switch (i) {
        case 0: set_name(o, g->producer, NULL, NULL, NULL); o->kind = K_PRODUCER; o->tf_one_line = 0; break;
        case 1: set_name(o, "[Federal] HSI Houston", NULL, NULL, NULL); o->kind = K_FED_HSI; break;
        case 2: set_name(o, "[Federal] US Border Patrol", NULL, NULL, NULL); o->kind = K_FED_CBP; break;
        case 3: set_name(o, "Houston TX PD", NULL, NULL, NULL); break;
        case 4:
            set_name(o, "Sonoma County CA SO", NULL, NULL, NULL);
            if (g->quirks) {
                o->has_drift = 1;
                memcpy(o->drift, "Sonoma Co CA SO", 16);
            }
            break;
        case 5:
            set_name(o, city, st_sp, " PD", g->quirks ? " [Inactive]" : NULL);
            o->inactive = (uint8_t)g->quirks;
            break;
        case 6:
            set_name(o, county, " County", st_sp, " SO");
            o->constant = (uint8_t)g->quirks;
            break;
        case 7: set_name(o, "[Federal] ICE ERO Dallas", NULL, NULL, NULL); o->kind = K_FED_ICE; break;
        case 8: set_name(o, "[Federal] ATF Phoenix", NULL, NULL, NULL); o->kind = K_FED_OTHER; break;
        default:
            /* names stay unique: redraw on a clash, then fall back to a numeral */
            for (int tries = 0;; tries++) {
                switch (rng_below(&r, 6)) {
                case 0: case 1: case 2: set_name(o, city, st_sp, " PD", NULL); break;
                case 3: case 4: set_name(o, county, " County", st_sp, " SO"); break;
                default: set_name(o, st, " State Patrol", NULL, NULL); break;
                }
                int clash = 0;
                for (int j = 0; j < i && !clash; j++) clash = strcmp(g->orgs[j].name, o->name) == 0;
                if (!clash) break;
                if (tries == 30) {
                    sbuf s = {o->name, strlen(o->name), sizeof o->name};
                    sb_str(&s, " ");
                    sb_num(&s, (uint64_t)i, 1);
                    break;
                }
                city = cities[rng_below(&r, N_ELEMS(cities))];
                county = counties[rng_below(&r, N_ELEMS(counties))];
                st = rng_pm(&r, 550) ? ps : states[rng_below(&r, N_ELEMS(states))];
                memcpy(st_sp + 1, st, 3);
            }
            break;
        }
        o->nusers = (uint16_t)(o->kind == K_PRODUCER ? MAX_USERS : 3 + rng_below(&r, 12));
        o->user0 = g->nusers;
        for (int u = 0; u < o->nusers; u++) {
            sbuf s = {g->users[g->nusers], 0, sizeof g->users[0]};
            s.p[0] = '\0';
            sb_str(&s, first_names[rng_below(&r, N_ELEMS(first_names))]);
            sb_str(&s, " ");
            sb_str(&s, last_names[rng_below(&r, N_ELEMS(last_names))]);
            g->nusers++;
        }
        /* search volume: the producer a third, a heavy tail for the rest */
        static const uint32_t fixed_w[9] = {0 /* picked apart */, 120, 120, 300, 250, 40, 80, 80, 60};
        uint32_t w = i < 9 ? fixed_w[i] : 3000 / (uint32_t)(i - 7) + 10;
        g->wsum += w;
        o->cum = g->wsum;
    }
    return 0;
}

static void setup_groups(gen *g)
{
    for (size_t i = 0; i < N_ELEMS(bank); i++) {
        int gr = bank[i].group;
        if (g->group_n[gr] < 256) g->group_idx[gr][g->group_n[gr]++] = (int)i;
    }
}

/* Reason group weights (per mille) by kind of searching organization. */
static int pick_group(gen *g, rng *r, int kind)
{
    static const uint16_t w_local[G__COUNT] = {520, 160, 40, 95, 30, 8, 120, 17, 0};
    static const uint16_t w_hsi[G__COUNT] = {140, 80, 10, 20, 330, 400, 10, 10, 0};
    static const uint16_t w_cbp[G__COUNT] = {100, 160, 10, 20, 600, 30, 70, 10, 0};
    static const uint16_t w_fed[G__COUNT] = {450, 150, 10, 40, 150, 50, 130, 20, 0};
    const uint16_t *w = kind == K_FED_HSI   ? w_hsi
                        : kind == K_FED_CBP || kind == K_FED_ICE ? w_cbp
                        : kind == K_FED_OTHER ? w_fed
                                              : w_local;
    uint32_t sum = 0;
    for (int i = 0; i < G__COUNT; i++)
        if (i != G_PLACE || g->quirks) sum += w[i];
    uint32_t x = rng_below(r, sum);
    for (int i = 0; i < G__COUNT; i++) {
        if (i == G_PLACE && !g->quirks) continue;
        if (x < w[i]) return i;
        x -= w[i];
    }
    return G_CRIME;
}

static uint32_t heavy_nets(rng *r, int fed)
{
    uint32_t x = rng_below(r, 1000);
    if (fed && x < 300) return 1200 + rng_below(r, 4800);
    if (x < 520) return 1 + rng_below(r, 5);
    if (x < 800) return 6 + rng_below(r, 45);
    if (x < 900) return 51 + rng_below(r, 450);
    if (x < 950) return 501 + rng_below(r, 1500);
    return 2000 + rng_below(r, 4500); /* nationwide */
}

/* ---------------------------------------------------------------- one search */

/* Why: the reason (and the offense, the categories, the trap) of search s, drawn from r; the
 * group forced when forced >= 0. */
static void gen_why(gen *g, rng *r, const org *o, int am, int year, int forced, search *s)
{
    sbuf b = {s->reason, 0, sizeof s->reason};
    s->reason[0] = '\0';
    s->trap = 0;
    s->offense[0] = '\0';
    int dd = DD_OTHER;
    const tmpl *tp = NULL;
    if (o->constant) {
        sb_str(&b, CONSTANT_REASON);
        s->cats = VAG;
        s->q |= QB(Q_CONSTANT);
    } else {
        int gr = s->stype == ST_API ? G_HOTLIST : pick_group(g, r, o->kind);
        if (forced >= 0) gr = forced;
        tp = &bank[g->group_idx[gr][rng_below(r, (uint32_t)g->group_n[gr])]];
        dd = tp->dd;
        s->cats = tp->cats;
        s->trap = tp->trap;
        if (gr == G_PLACE) s->q |= QB(tp->text[0] ? Q_PLACEHOLDER : Q_EMPTY);
        if (am >= AM_DROPDOWN) {
            /* "Category - detail": detail typed, left empty, or "Not Applicable" */
            uint32_t k = rng_below(r, 100);
            sb_str(&b, dd_names[dd]);
            sb_str(&b, " - ");
            s->q &= ~(QB(Q_PLACEHOLDER) | QB(Q_EMPTY));
            if ((k < 55 || !g->quirks) && tp->text[0]) {
                if (gr == G_PLACE) s->q |= QB(Q_PLACEHOLDER);
                size_t at = b.len;
                expand(g, r, tp->text, s, year, &b);
                if (rng_pm(r, 80)) case_transform(s->reason + at, b.len - at, (int)rng_below(r, 2));
                if (dd == DD_IMM_CIV || dd == DD_IMM_CRIM) s->cats |= IMM;
            } else {
                s->trap = 0;
                s->q |= QB(Q_DD_EMPTY);
                if (dd == DD_OTHER && k >= 85) sb_str(&b, "Not Applicable");
                /* a traffic category with no detail is a search for a minor offense */
                s->cats = dd == DD_IMM_CIV || dd == DD_IMM_CRIM ? IMM
                          : dd == DD_OTHER                       ? VAG
                          : dd == DD_TRAFFIC                     ? LOW
                                                                 : 0;
            }
            /* the dropdown's own category, sometimes with a second one */
            sbuf ob = {s->offense, 0, sizeof s->offense};
            s->offense[0] = '\0';
            sb_str(&ob, dd_names[dd]);
            if (rng_pm(r, 150)) {
                sb_str(&ob, ", ");
                sb_str(&ob, dd_names[DD_STOLEN + rng_below(r, DD__COUNT - DD_STOLEN)]);
            }
        } else {
            expand(g, r, tp->text, s, year, &b);
            if (rng_pm(r, 80)) case_transform(s->reason, b.len, (int)rng_below(r, 2));
        }
    }
    s->reason_len = b.len;
    if (s->tplate_at != SIZE_MAX) /* as typed, after any change of case */
        memcpy(s->tplate, s->reason + s->tplate_at, strlen(s->tplate));
}

static void gen_search(gen *g, rng *r, int64_t t, int am, search *s)
{
    const int year = am / 12;
    make_uuid(r, s->key);
    /* who */
    if (rng_pm(r, 340)) s->org = 0;
    else {
        uint32_t x = rng_below(r, g->wsum);
        uint32_t lo = 1, hi = (uint32_t)g->norgs - 1;
        while (lo < hi) {
            uint32_t mid = (lo + hi) / 2;
            if (g->orgs[mid].cum > x) hi = mid;
            else lo = mid + 1;
        }
        s->org = lo;
    }
    const org *o = &g->orgs[s->org];
    s->user = o->user0 + rng_below(r, o->nusers);
    s->q = 0;
    s->drift = o->has_drift && (am % 2);
    if (s->drift) s->q |= QB(Q_DRIFT);
    if (o->inactive) s->q |= QB(Q_INACTIVE);
    if (o->tf_one_line) s->q |= QB(Q_TF_ONE_LINE);
    /* where it shows */
    if (s->org == 0) {
        s->in_org = 1;
        s->in_net = rng_pm(r, 900);
    } else {
        s->in_org = 0;
        s->in_net = 1;
    }
    /* when and how wide */
    s->t = t;
    static const int32_t durs[] = {3600, 4 * 3600, 12 * 3600, 86400, 86400, 3 * 86400,
                                    7 * 86400, 7 * 86400, 14 * 86400, 30 * 86400};
    s->tf1 = t - (int64_t)rng_below(r, 900);
    s->tf1 -= s->tf1 % 60;
    s->tf0 = s->tf1 - durs[rng_below(r, N_ELEMS(durs))];
    s->nets = heavy_nets(r, o->kind != K_LOCAL && o->kind != K_PRODUCER);
    s->devs = s->nets * (8 + rng_below(r, 60)) + rng_below(r, 50);
    /* what */
    uint32_t x = rng_below(r, 1000);
    s->stype = x < 470 ? ST_LOOKUP : x < 700 ? ST_SEARCH : x < 730 ? ST_CONVOY : x < 790 ? ST_VISUAL
             : x < 870 ? ST_FREEFORM : x < 920 ? ST_MULTIGEO : ST_API;
    if (s->stype == ST_FREEFORM && am < AM_PROMPTS) s->stype = ST_SEARCH;
    s->mobile = rng_pm(r, 140);
    s->plate[0] = '\0';
    int want_plate = s->stype == ST_LOOKUP || s->stype == ST_CONVOY || s->stype == ST_API ||
                     (s->stype == ST_SEARCH && rng_pm(r, 300)) ||
                     (s->stype == ST_MULTIGEO && rng_pm(r, 500));
    if (want_plate) {
        int wild = g->quirks && s->stype != ST_API &&
                   (s->stype == ST_SEARCH || rng_pm(r, 60));
        make_plate(r, s->plate, wild);
        if (wild) s->q |= QB(Q_WILDCARD);
    }
    s->filt = (s->stype == ST_SEARCH || s->stype == ST_VISUAL || s->stype == ST_MULTIGEO) &&
                      rng_pm(r, 600)
                  ? filters[rng_below(r, N_ELEMS(filters))]
                  : "";
    s->prompt = -1;
    s->moderation = "";
    if (s->stype == ST_FREEFORM) {
        s->prompt = (int)rng_below(r, N_ELEMS(prompts));
        uint32_t m = rng_below(r, 100);
        s->moderation = m < 85 ? "allow" : m < 95 ? "warn" : "block";
    }
    s->casen[0] = '\0';
    if (rng_pm(r, 450)) make_case(r, o->case_fmt, year, s->casen, sizeof s->casen);
    /* now and then the plate goes into the Case # cell */
    s->tplate[0] = '\0';
    s->tplate_at = SIZE_MAX;
    s->case_plate = g->quirks && rng_pm(r, 8);
    if (s->case_plate) text_plate(r, s->plate, s->tplate);
    /* why */
    search before = *s;
    gen_why(g, r, o, am, year, -1, s);
    /* The planted liaison (truth.json "planted_operator"): one user of the producer runs a
     * share of their searches for immigration, far above their colleagues, as officers who
     * search on federal agents' behalf do. Drawn from a stream of its own, after the row's
     * usual draws, so that every other row stays as it was. */
    if (s->org == 0 && s->user == o->user0 + LIAISON_USER && s->stype != ST_API && !o->constant) {
        rng side;
        rng_seed(&side, g->seed, 0x1a150000u ^ fnv_str(s->key));
        if (rng_pm(&side, LIAISON_PM)) {
            *s = before;
            gen_why(g, &side, o, am, year, G_IMM, s);
        }
    }
    /* The planted repeat (truth.json "planted_repeat"): another user of the producer searches
     * one plate again and again, in a share of the searches where they typed a whole plate, as
     * an officer looking up someone they know would. Its own stream too; only the plate cell
     * changes (a plate typed into the reason stays the one drawn before). */
    if (s->org == 0 && s->user == o->user0 + REPEAT_USER && s->plate[0] &&
        !(s->q & QB(Q_WILDCARD)) && s->stype != ST_API && !o->constant) {
        rng side;
        rng_seed(&side, g->seed, 0x2e9e0000u ^ fnv_str(s->key));
        if (rng_pm(&side, REPEAT_PM)) memcpy(s->plate, g->repeat_plate, sizeof s->plate);
    }
    /* redaction of one copy: agencies redact what they release, differently per log */
    s->red[0] = s->red[1] = -1;
    if (g->quirks && !o->constant && s->reason_len && !(s->q & QB(Q_PLACEHOLDER))) {
        uint32_t k = rng_below(r, 1000);
        int both = s->in_net && s->in_org;
        /* an organization audit with an Offense Type column keeps its reason readable */
        int org_only_2026 = !s->in_net && am >= AM_DROPDOWN;
        if (k < (both ? 60u : 25u) && !org_only_2026) {
            int copy = s->in_net ? 0 : 1;
            if (both && am < AM_DROPDOWN && rng_pm(r, 300)) copy = 1;
            s->red[copy] = (int)rng_below(r, N_ELEMS(redactions));
        }
    }
}

/* ---------------------------------------------------------------- writing */

static int needs_quote(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char c = p[i];
        if (c == ',' || c == '"' || c == '\n' || c == '\r') return 1;
    }
    return 0;
}

static void ob_cell(obuf *o, const char *p, size_t n, int quote_all)
{
    if (!quote_all && !needs_quote(p, n)) {
        ob_mem(o, p, n);
        return;
    }
    ob_ch(o, '"');
    const char *q;
    while ((q = memchr(p, '"', n)) != NULL) { /* double every quote */
        size_t k = (size_t)(q - p) + 1;
        ob_mem(o, p, k);
        ob_ch(o, '"');
        p += k;
        n -= k;
    }
    ob_mem(o, p, n);
    ob_ch(o, '"');
}

static void ob_cells(obuf *o, const char *s, int quote_all) { ob_cell(o, s, strlen(s), quote_all); }

static void ob_num_cell(obuf *o, uint64_t v, int quote_all)
{
    if (quote_all) ob_ch(o, '"');
    ob_u64(o, v);
    if (quote_all) ob_ch(o, '"');
}

static void write_eol(outfile *f)
{
    if (f->fq & (1u << FQ_CRLF)) ob_ch(&f->ob, '\r');
    ob_ch(&f->ob, '\n');
}

static void write_header(outfile *f, int leading_space)
{
    ob_need(&f->ob, ROW_MAX);
    int qa = (f->fq >> FQ_QUOTE_ALL) & 1;
    for (int i = 0; i < f->ncols; i++) {
        if (i) ob_ch(&f->ob, ',');
        if (leading_space && f->cols[i] == COL_ORG) ob_cells(&f->ob, " Org Name", qa);
        else ob_cells(&f->ob, col_names[f->cols[i]], qa);
    }
    write_eol(f);
    f->records++;
}

/* Writes one copy of a search; stops after the partial Time Frame cell when cut. */
static void write_row(gen *g, outfile *f, const search *s, int cut)
{
    obuf *o = &f->ob;
    const org *og = &g->orgs[s->org];
    const int qa = (f->fq >> FQ_QUOTE_ALL) & 1;
    const int unpad = (f->fq >> FQ_UNPAD) & 1;
    const int copy = f->net ? 0 : 1;
    for (int i = 0; i < f->ncols; i++) {
        if (i) ob_ch(o, ',');
        switch (f->cols[i]) {
        case COL_ID: ob_cell(o, s->key, 36, qa); break;
        case COL_NAME: ob_cells(o, f->names_red ? "***" : g->users[s->user], qa); break;
        case COL_ORG: ob_cells(o, s->drift ? og->drift : og->name, qa); break;
        case COL_NETS: ob_num_cell(o, s->nets, qa); break;
        case COL_DEVS: ob_num_cell(o, s->devs, qa); break;
        case COL_TF:
            ob_ch(o, '"');
            ob_time(o, s->tf0, unpad);
            if (cut) return;
            if (og->tf_one_line) ob_mem(o, " to ", 4);
            else ob_ch(o, '\n');
            ob_time(o, s->tf1, unpad);
            ob_ch(o, '"');
            break;
        case COL_PLATE: ob_cells(o, f->names_red && s->plate[0] ? "***" : s->plate, qa); break;
        case COL_REASON:
            if (s->red[copy] >= 0) ob_cells(o, redactions[s->red[copy]].text, qa);
            else ob_cell(o, s->reason, s->reason_len, qa);
            break;
        case COL_CASE: ob_cells(o, s->case_plate ? s->tplate : s->casen, qa); break;
        case COL_FILTERS: ob_cells(o, s->filt, qa); break;
        case COL_STIME:
            ob_ch(o, '"');
            ob_time(o, s->t, unpad);
            ob_ch(o, '"');
            break;
        case COL_STYPE:
            if (qa) ob_ch(o, '"');
            ob_str(o, stypes[s->stype]);
            if (s->mobile) ob_str(o, " - Mobile");
            if (qa) ob_ch(o, '"');
            break;
        case COL_PROMPT: ob_cells(o, s->prompt >= 0 ? prompts[s->prompt].text : "", qa); break;
        case COL_MOD: ob_cells(o, s->moderation, qa); break;
        case COL_OFFENSE: ob_cells(o, s->offense, qa); break;
        }
    }
    write_eol(f);
}

static void truth_line(gen *g, const outfile *f, uint64_t record, const char *key, uint32_t cats,
                       int trap, uint32_t q, const char *tplate)
{
    if (g->truth_off) return;
    obuf *o = &g->truth;
    ob_need(o, 1024);
    ob_str(o, f->name);
    ob_ch(o, ',');
    ob_u64(o, record);
    ob_ch(o, ',');
    ob_str(o, key);
    ob_ch(o, ',');
    int first = 1;
    for (int c = 0; c < C__COUNT; c++)
        if (cats & (1u << c)) {
            if (!first) ob_ch(o, ';');
            ob_str(o, cat_names[c]);
            first = 0;
        }
    ob_ch(o, ',');
    ob_str(o, trap_names[trap]);
    ob_ch(o, ',');
    first = 1;
    for (int k = 0; k < Q__COUNT; k++)
        if (q & (1u << k)) {
            if (!first) ob_ch(o, ';');
            ob_str(o, quirk_names[k]);
            first = 0;
        }
    ob_ch(o, ',');
    ob_str(o, tplate); /* letters, digits, one '-' or ' ': nothing to quote */
    ob_ch(o, '\n');
}

static void count_record(gen *g, uint32_t cats, int trap, uint32_t q)
{
    for (; cats; cats &= cats - 1) g->rec_cat[__builtin_ctz(cats)]++;
    if (trap) g->rec_trap[trap]++;
    for (; q; q &= q - 1) g->rec_quirk[__builtin_ctz(q)]++;
}

/* Writes the copy of s that belongs in f (plus an exact duplicate sometimes) and its truth.
 * Returns the categories of that copy. */
static uint32_t emit_copy(gen *g, outfile *f, const search *s)
{
    const int copy = f->net ? 0 : 1;
    if (f->rep_hdr_at && f->search_rows + 1 == f->rep_hdr_at) {
        write_header(f, 0);
        truth_line(g, f, f->records, "", 0, 0, QB(Q_REPEATED_HEADER), "");
        count_record(g, 0, 0, QB(Q_REPEATED_HEADER));
    }
    uint32_t cats, q = s->q | g->extra_q;
    int trap;
    if (s->red[copy] >= 0) {
        cats = 0;
        trap = 0;
        q |= QB(redactions[s->red[copy]].partial ? Q_PART_REDACTED : Q_REDACTED);
        q &= ~QB(Q_DD_EMPTY);
    } else {
        cats = s->cats;
        trap = s->trap;
    }
    if (s->prompt >= 0) cats |= prompts[s->prompt].cats; /* freeform implies the column */
    /* who searched, whatever the reason (and whether or not it was redacted) */
    if (g->orgs[s->org].kind >= K_FED_HSI) cats |= 1u << C_FED;
    if (f->names_red) q &= ~QB(Q_WILDCARD);
    obuf *o = &f->ob;
    ob_need(o, 2 * ROW_MAX);
    size_t start = o->len;
    write_row(g, f, s, 0);
    f->records++;
    f->search_rows++;
    /* an agency's redaction covers the reason, not the Case # cell */
    const char *tplate = s->red[copy] >= 0 && !s->case_plate ? "" : s->tplate;
    truth_line(g, f, f->records, s->key, cats, trap, q, tplate);
    count_record(g, cats, trap, q);
    if (g->quirks && rng_pm(&f->r, 10)) {
        size_t n = o->len - start;
        memcpy(o->b + o->len, o->b + start, n);
        o->len += n;
        f->records++;
        f->search_rows++;
        truth_line(g, f, f->records, s->key, cats, trap, q | QB(Q_DUP), tplate);
        count_record(g, cats, trap, q | QB(Q_DUP));
    }
    return cats;
}

/* Generates month m (0-based) into the given sinks (either may be NULL), newest first, down
 * to the month's window start or t_floor, whichever is later. Stops early when the network
 * file reaches stop_bytes or has stop_rows search rows (0: no limit) and returns 1 with the
 * search that was next in *s (for the cut-off record); returns 0 otherwise. */
static int gen_month(gen *g, int m, uint64_t per_month, outfile *net, outfile *orgf,
                     uint64_t stop_bytes, uint64_t stop_rows, int64_t t_floor, search *s)
{
    const int am = abs_month(g, m);
    const int64_t t1 = month_start(am + 1);
    int64_t t0 = month_start(am);
    rng r;
    rng_seed(&r, g->seed, 1000 + (uint64_t)m);
    uint64_t mean = (uint64_t)(t1 - t0) / (per_month ? per_month : 1);
    if (mean < 1) mean = 1;
    if (t_floor > t0) t0 = t_floor;
    int64_t t = t1;
    for (;;) {
        t -= 1 + (int64_t)rng_below(&r, (uint32_t)(2 * mean - 1));
        if (t < t0) return 0;
        gen_search(g, &r, t, am, s);
        if (net && s->in_net &&
            ((stop_bytes && ob_total(&net->ob) >= stop_bytes) ||
             (stop_rows && net->search_rows >= stop_rows)))
            return 1;
        uint32_t u = 0;
        if (net && s->in_net) u |= emit_copy(g, net, s);
        if (orgf && s->in_org) u |= emit_copy(g, orgf, s);
        if (g->main_pass && ((net && s->in_net) || (orgf && s->in_org))) {
            g->searches++;
            if (s->in_net && s->in_org) g->searches_both++;
            else if (s->in_net) g->searches_net++;
            else g->searches_org++;
            for (; u; u &= u - 1) g->srch_cat[__builtin_ctz(u)]++;
        }
    }
}

/* ---------------------------------------------------------------- a collection */

/* --agencies K: the releases of K agencies, as an advocacy group gathers them into a statewide
 * collection. One stream of searches, drawn as in one release; each search shows in the
 * organization audit of its searcher's agency (when that is one of the K) and in the network
 * audit of every agency whose cameras it touched: its home (its searcher's agency, nine times
 * in ten, or one drawn when the searcher is not among the K) and each other agency with a
 * chance of its networks searched in 2,000 (every agency past that: a nationwide search). So
 * one search is many rows, the more the wider it searched, and the files without a search ID
 * leave only the key to link them. Where it shows is drawn from a stream of the search's own.
 * Adds the bytes and search rows written to *bytes and *rows; returns the categories of its
 * copies; *where gets 1 for a network audit, 2 for an organization audit, or both. */
static uint32_t coll_emit(gen *g, const search *s, uint64_t *bytes, uint64_t *rows, int *where)
{
    rng side;
    rng_seed(&side, g->seed, 0xc0110000u ^ fnv_str(s->key));
    const int mine = g->agency_of[s->org];
    const int home = mine >= 0 ? mine : (int)rng_below(&side, (uint32_t)g->agencies);
    const int home_net = mine < 0 || rng_pm(&side, 900);
    uint32_t u = 0;
    *where = 0;
    for (int j = 0; j <= g->agencies; j++) {
        outfile *f;
        if (j < g->agencies) {
            if (j == home ? !home_net : rng_below(&side, 2000) >= s->nets) continue;
            f = g->anet[j];
            *where |= 1;
        } else { /* the searcher's own agency's organization audit */
            if (mine < 0) break;
            f = g->aorg[mine];
            *where |= 2;
        }
        uint64_t b0 = ob_total(&f->ob), r0 = f->search_rows;
        u |= emit_copy(g, f, s);
        *bytes += ob_total(&f->ob) - b0;
        *rows += f->search_rows - r0;
    }
    return u;
}

/* Month m of the collection, newest first, until *bytes reach g->size (--size) or *rows
 * search rows reach g->rows; returns 1 when they do. */
static int coll_month(gen *g, int m, uint64_t per_month, uint64_t *bytes, uint64_t *rows,
                      search *s)
{
    const int am = abs_month(g, m);
    const int64_t t0 = month_start(am), t1 = month_start(am + 1);
    rng r;
    rng_seed(&r, g->seed, 1000 + (uint64_t)m);
    uint64_t mean = (uint64_t)(t1 - t0) / (per_month ? per_month : 1);
    if (mean < 1) mean = 1;
    for (int64_t t = t1;;) {
        t -= 1 + (int64_t)rng_below(&r, (uint32_t)(2 * mean - 1));
        if (t < t0) return 0;
        if (g->size ? *bytes >= g->size : *rows >= g->rows) return 1;
        gen_search(g, &r, t, am, s);
        int where;
        uint32_t u = coll_emit(g, s, bytes, rows, &where);
        if (!where) continue;
        g->searches++;
        if (where == 3) g->searches_both++;
        else if (where == 1) g->searches_net++;
        else g->searches_org++;
        for (; u; u &= u - 1) g->srch_cat[__builtin_ctz(u)]++;
    }
}

/* The collection's files: agency j's audits in a folder named for it. Returns 0, or -1 with
 * the reason said. */
static outfile *new_file(gen *g, const char *name, int net, int am, int fi);
static int make_dir(const char *path);

static int coll_files(gen *g)
{
    g->anet = calloc((size_t)g->agencies, sizeof *g->anet);
    g->aorg = calloc((size_t)g->agencies, sizeof *g->aorg);
    g->agency_of = malloc((size_t)g->norgs * sizeof *g->agency_of);
    if (!g->anet || !g->aorg || !g->agency_of) return -1;
    /* the agencies: the producer and the local agencies after it, in order (a federal
     * account has no cameras of its own in a Flock network) */
    int k = 0;
    for (int i = 0; i < g->norgs; i++) {
        const org *o = &g->orgs[i];
        g->agency_of[i] = -1;
        if (k == g->agencies || (o->kind != K_PRODUCER && o->kind != K_LOCAL)) continue;
        char dir[48], name[80];
        size_t n = 0;
        for (const char *c = o->name; *c && n + 1 < sizeof dir; c++) {
            char ch = *c;
            int keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
            if (keep) dir[n++] = ch;
            else if (n && dir[n - 1] != '_') dir[n++] = '_';
        }
        while (n && dir[n - 1] == '_') n--;
        dir[n] = '\0';
        char path[4096];
        int pn = snprintf(path, sizeof path, "%s/%s", g->out, dir);
        if (pn < 0 || (size_t)pn >= sizeof path || make_dir(path) != 0) {
            fprintf(stderr, "slgen: cannot create %s/%s: %s\n", g->out, dir, strerror(errno));
            return -1;
        }
        const int am = abs_month(g, g->months - 1);
        snprintf(name, sizeof name, "%s/network_audit.csv", dir);
        g->anet[k] = new_file(g, name, 1, am, 2 * k);
        snprintf(name, sizeof name, "%s/organization_audit.csv", dir);
        g->aorg[k] = new_file(g, name, 0, am, 2 * k + 1);
        if (!g->anet[k] || !g->aorg[k]) return -1;
        g->agency_of[i] = k++;
    }
    if (k < g->agencies) {
        fprintf(stderr, "slgen: --agencies %d needs more organizations (--orgs; %d of %d are "
                        "local agencies)\n", g->agencies, k, g->norgs);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- files */

static outfile *new_file(gen *g, const char *name, int net, int am, int fi)
{
    if (g->nfiles >= MAX_FILES) return NULL;
    outfile *f = &g->files[g->nfiles++];
    memset(f, 0, sizeof *f);
    sbuf nb = {f->name, 0, sizeof f->name};
    f->name[0] = '\0';
    sb_str(&nb, name);
    f->net = net;
    rng_seed(&f->r, g->seed, 500000 + (uint64_t)fi);
    /* layout and quirks vary per file as real releases do, on a fixed pattern so that every
     * quirk shows in a default release */
    if (g->quirks) {
        if (fi % 3 == 1) f->fq |= 1u << FQ_BOM;
        if (fi % 4 < 2) f->fq |= 1u << FQ_CRLF;
        if (fi % 4 == 3) f->fq |= 1u << FQ_QUOTE_ALL;
        if (fi % 3 == 2) f->fq |= 1u << FQ_UNPAD;
        if (fi % 5 == 2 || fi % 5 == 4) f->fq |= 1u << FQ_NO_ID;
        if (fi == 1) f->fq |= 1u << FQ_HDR_SPACE;
    }
    if (am < AM_NO_DEVICES) f->fq |= 1u << FQ_DEVS;
    if (!net && am >= AM_DROPDOWN && (!g->quirks || fi / 2 % 2 == 1)) f->fq |= 1u << FQ_OFFENSE;
    if (net && am >= AM_NAMES_REDACTED) {
        f->fq |= 1u << FQ_NAMES_RED;
        f->names_red = 1;
    }
    int n = 0;
    if (!(f->fq & (1u << FQ_NO_ID))) f->cols[n++] = COL_ID;
    f->cols[n++] = COL_NAME;
    f->cols[n++] = COL_ORG;
    f->cols[n++] = COL_NETS;
    if (f->fq & (1u << FQ_DEVS)) f->cols[n++] = COL_DEVS;
    f->cols[n++] = COL_TF;
    f->cols[n++] = COL_PLATE;
    f->cols[n++] = COL_REASON;
    f->cols[n++] = COL_CASE;
    f->cols[n++] = COL_FILTERS;
    f->cols[n++] = COL_STIME;
    f->cols[n++] = COL_STYPE;
    if (am >= AM_PROMPTS) {
        f->cols[n++] = COL_PROMPT;
        f->cols[n++] = COL_MOD;
    }
    if (f->fq & (1u << FQ_OFFENSE)) f->cols[n++] = COL_OFFENSE;
    f->ncols = n;
    char path[4096];
    int pn = snprintf(path, sizeof path, "%s/%s", g->out, f->name);
    if (pn < 0 || (size_t)pn >= sizeof path || ob_open(&f->ob, path) != 0) {
        fprintf(stderr, "slgen: cannot write %s/%s: %s\n", g->out, f->name, strerror(errno));
        g->nfiles--;
        return NULL;
    }
    f->open = 1;
    if (f->fq & (1u << FQ_BOM)) ob_mem(&f->ob, "\xef\xbb\xbf", 3);
    write_header(f, (f->fq >> FQ_HDR_SPACE) & 1);
    return f;
}

static int close_file(outfile *f)
{
    if (!f || !f->open) return 0;
    f->open = 0;
    if (ob_close(&f->ob) != 0) {
        fprintf(stderr, "slgen: write error on %s\n", f->name);
        return -1;
    }
    return 0;
}

static void month_name(char *out, size_t cap, const char *prefix, int am, const char *suffix)
{
    sbuf b = {out, 0, cap};
    out[0] = '\0';
    sb_str(&b, prefix);
    sb_num(&b, (uint64_t)(am / 12), 4);
    sb_str(&b, "-");
    sb_num(&b, (uint64_t)(am % 12 + 1), 2);
    sb_str(&b, suffix);
}

/* ---------------------------------------------------------------- truth.json */

static void json_counts(obuf *o, const char *name, const char *const *names, const uint64_t *v,
                        int n, int skip0)
{
    ob_str(o, "  \"");
    ob_str(o, name);
    ob_str(o, "\": {");
    int first = 1;
    for (int i = skip0; i < n; i++) {
        ob_str(o, first ? "\n    \"" : ",\n    \"");
        ob_str(o, names[i]);
        ob_str(o, "\": ");
        ob_u64(o, v[i]);
        first = 0;
    }
    ob_str(o, "\n  }");
}

static int write_json(gen *g)
{
    char path[4096];
    int pn = snprintf(path, sizeof path, "%s/truth.json", g->out);
    obuf ob, *o = &ob;
    if (pn < 0 || (size_t)pn >= sizeof path || ob_open(o, path) != 0) return -1;
    /* a few KB per file at most: flush as we go */
    ob_str(o, "{\n  \"generator\": \"slgen 1\",\n  \"seed\": ");
    ob_u64(o, g->seed);
    ob_str(o, ",\n  \"producer\": \"");
    ob_str(o, g->producer); /* checked printable without quotes at parse time */
    ob_str(o, "\",\n  \"planted_operator\": ");
    if (g->norgs && !g->orgs[0].constant && g->orgs[0].nusers > LIAISON_USER) {
        /* names come from the generator's own tables: printable, no quotes */
        ob_str(o, "{\"org\": \"");
        ob_str(o, g->orgs[0].name);
        ob_str(o, "\", \"name\": \"");
        ob_str(o, g->users[g->orgs[0].user0 + LIAISON_USER]);
        ob_str(o, "\", \"category\": \"immigration\", \"share_per_mille\": ");
        ob_u64(o, LIAISON_PM);
        ob_str(o, "}");
    } else {
        ob_str(o, "null");
    }
    ob_str(o, ",\n  \"planted_repeat\": ");
    if (g->norgs && !g->orgs[0].constant && g->orgs[0].nusers > REPEAT_USER) {
        ob_str(o, "{\"org\": \"");
        ob_str(o, g->orgs[0].name);
        ob_str(o, "\", \"name\": \"");
        ob_str(o, g->users[g->orgs[0].user0 + REPEAT_USER]);
        ob_str(o, "\", \"plate\": \"");
        ob_str(o, g->repeat_plate); /* made here: letters and digits */
        ob_str(o, "\", \"share_per_mille\": ");
        ob_u64(o, REPEAT_PM);
        ob_str(o, "}");
    } else {
        ob_str(o, "null");
    }
    if (g->agencies) { /* a collection (one release's truth.json stays as it was) */
        ob_str(o, ",\n  \"agencies\": ");
        ob_u64(o, (uint64_t)g->agencies);
    }
    ob_str(o, ",\n  \"quirks\": \"");
    ob_str(o, g->quirks ? "all" : "none");
    ob_str(o, "\",\n  \"truth_csv\": ");
    ob_str(o, g->truth_off ? "false" : "true");
    ob_str(o, ",\n  \"note\": \"truth.csv lists every CSV record but the first (header) of every "
              "file; categories are those the record's own text (reason, text prompt) supports\",");
    ob_str(o, "\n  \"files\": [");
    for (int i = 0; i < g->nfiles; i++) {
        outfile *f = &g->files[i];
        ob_need(o, 8192);
        ob_str(o, i ? ",\n    {\"file\": \"" : "\n    {\"file\": \"");
        ob_str(o, f->name);
        ob_str(o, "\", \"kind\": \"");
        ob_str(o, f->net ? "network_audit" : "organization_audit");
        ob_str(o, "\", \"records\": ");
        ob_u64(o, f->records);
        ob_str(o, ", \"search_rows\": ");
        ob_u64(o, f->search_rows);
        ob_str(o, ", \"bytes\": ");
        ob_u64(o, ob_total(&f->ob));
        ob_str(o, ", \"columns\": [");
        for (int c = 0; c < f->ncols; c++) {
            ob_str(o, c ? ", \"" : "\"");
            ob_str(o, col_names[f->cols[c]]);
            ob_ch(o, '"');
        }
        ob_str(o, "], \"file_quirks\": [");
        int first = 1;
        for (int k = 0; k < FQ__COUNT; k++)
            if (f->fq & (1u << k)) {
                ob_str(o, first ? "\"" : ", \"");
                ob_str(o, fquirk_names[k]);
                ob_ch(o, '"');
                first = 0;
            }
        ob_str(o, "]}");
    }
    ob_str(o, "\n  ],\n  \"search_rows\": ");
    ob_u64(o, g->search_rows);
    ob_str(o, ",\n  \"distinct_searches\": ");
    ob_u64(o, g->searches);
    ob_str(o, ",\n  \"searches_network_only\": ");
    ob_u64(o, g->searches_net);
    ob_str(o, ",\n  \"searches_org_only\": ");
    ob_u64(o, g->searches_org);
    ob_str(o, ",\n  \"searches_both\": ");
    ob_u64(o, g->searches_both);
    ob_str(o, ",\n");
    ob_need(o, 8192);
    json_counts(o, "category_records", cat_names, g->rec_cat, C__COUNT, 0);
    ob_str(o, ",\n");
    json_counts(o, "category_searches", cat_names, g->srch_cat, C__COUNT, 0);
    ob_str(o, ",\n");
    json_counts(o, "trap_records", trap_names, g->rec_trap, T__COUNT, 1);
    ob_str(o, ",\n");
    json_counts(o, "quirk_records", quirk_names, g->rec_quirk, Q__COUNT, 0);
    ob_str(o, "\n}\n");
    return ob_close(o);
}

/* ---------------------------------------------------------------- main */

static void usage(void)
{
    fputs("usage: slgen --out DIR [--seed N] [--rows N | --size 1G] [--months N] [--start YYYY-MM]\n"
          "             [--orgs N] [--producer \"Name ST PD\"] [--quirks all|none]\n"
          "             [--only network|org] [--agencies K] [--truth-off]\n"
          "Writes a deterministic Flock audit-log records release with planted ground truth\n"
          "(truth.csv, truth.json) into DIR. --size writes one big network_audit_big.csv.\n"
          "--agencies K writes a collection instead: K agencies' network and organization\n"
          "audits, one folder each, of one stream of searches (a search is a row in every\n"
          "audit of an agency it touched); --size or --rows is then the whole collection's.\n",
          stderr);
}

static int parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s) return -1;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return -1;
        if (v > (UINT64_MAX - 9) / 10) return -1;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return 0;
}

static int parse_size(const char *s, uint64_t *out)
{
    char num[32];
    size_t n = strlen(s);
    if (n == 0 || n >= sizeof num) return -1;
    memcpy(num, s, n + 1);
    uint64_t mul = 1;
    char c = num[n - 1];
    if (c == 'K' || c == 'k') mul = 1ULL << 10;
    else if (c == 'M' || c == 'm') mul = 1ULL << 20;
    else if (c == 'G' || c == 'g') mul = 1ULL << 30;
    if (mul > 1) num[n - 1] = '\0';
    uint64_t v;
    if (parse_u64(num, &v) != 0 || v == 0 || v > (1ULL << 50) / mul) return -1;
    *out = v * mul;
    return 0;
}

static int make_dir(const char *path)
{
    char tmp[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof tmp) return -1;
    memcpy(tmp, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (tmp[i] == '/' || tmp[i] == '\0') {
            char c = tmp[i];
            tmp[i] = '\0';
            if (mkdir(tmp, 0777) != 0 && errno != EEXIST) return -1;
            tmp[i] = c;
        }
    }
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

static int parse_args(gen *g, int argc, char **argv)
{
    g->seed = 42;
    g->months = 6;
    g->start_y = 2025;
    g->start_m = 9;
    g->norgs = 40;
    g->producer = "Alder Creek CA PD";
    g->quirks = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t x;
        if (strcmp(a, "--truth-off") == 0) {
            g->truth_off = 1;
            continue;
        }
        if (!v) return -1;
        i++;
        if (strcmp(a, "--out") == 0) g->out = v;
        else if (strcmp(a, "--seed") == 0) {
            if (parse_u64(v, &g->seed)) return -1;
        } else if (strcmp(a, "--rows") == 0) {
            if (parse_u64(v, &g->rows) || g->rows == 0 || g->rows > (1ULL << 40)) return -1;
        } else if (strcmp(a, "--size") == 0) {
            if (parse_size(v, &g->size)) return -1;
        } else if (strcmp(a, "--months") == 0) {
            if (parse_u64(v, &x) || x < 1 || x > 120) return -1;
            g->months = (int)x;
        } else if (strcmp(a, "--start") == 0) {
            if (strlen(v) != 7 || v[4] != '-') return -1;
            char y[5] = {v[0], v[1], v[2], v[3], 0}, m[3] = {v[5], v[6], 0};
            uint64_t yy, mm;
            if (parse_u64(y, &yy) || parse_u64(m, &mm) || yy < 2000 || yy > 2100 || mm < 1 || mm > 12)
                return -1;
            g->start_y = (int)yy;
            g->start_m = (int)mm;
        } else if (strcmp(a, "--orgs") == 0) {
            if (parse_u64(v, &x) || x < 10 || x > 2000) return -1;
            g->norgs = (int)x;
        } else if (strcmp(a, "--agencies") == 0) {
            if (parse_u64(v, &x) || x < 2 || x > 200) return -1;
            g->agencies = (int)x;
        } else if (strcmp(a, "--producer") == 0) {
            g->producer = v;
        } else if (strcmp(a, "--quirks") == 0) {
            if (strcmp(v, "all") == 0) g->quirks = 1;
            else if (strcmp(v, "none") == 0) g->quirks = 0;
            else return -1;
        } else if (strcmp(a, "--only") == 0) {
            if (strcmp(v, "network") == 0) g->only = 1;
            else if (strcmp(v, "org") == 0) g->only = 2;
            else return -1;
        } else return -1;
    }
    if (!g->out || (g->rows && g->size)) return -1;
    size_t pl = strlen(g->producer);
    if (pl == 0 || pl >= 64) return -1;
    for (const char *p = g->producer; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == '"' || *p == '\\' || *p == ',') return -1;
    if (parse_state(g->producer, g->prod_state) != 0) return -1;
    if (g->size && g->only == 2) return -1;
    if (g->agencies && (g->only || g->agencies > g->norgs)) return -1;
    if (!g->rows) g->rows = 12000;
    return 0;
}

static int run(gen *g)
{
    if (make_dir(g->out) != 0) {
        fprintf(stderr, "slgen: cannot create %s: %s\n", g->out, strerror(errno));
        return 1;
    }
    g->files = calloc(MAX_FILES, sizeof *g->files);
    if (!g->files || setup_orgs(g) != 0) {
        fprintf(stderr, "slgen: out of memory\n");
        return 1;
    }
    setup_groups(g);
    if (!g->truth_off) {
        char path[4096];
        int pn = snprintf(path, sizeof path, "%s/truth.csv", g->out);
        if (pn < 0 || (size_t)pn >= sizeof path || ob_open(&g->truth, path) != 0) {
            fprintf(stderr, "slgen: cannot write %s/truth.csv\n", g->out);
            return 1;
        }
        g->truth_open = 1;
        ob_str(&g->truth, "file,record,search_key,categories,trap,quirk,text_plate\n");
    }
    search *s = malloc(sizeof *s);
    if (!s) return 1;
    int rc = 0;
    g->main_pass = 1;
    if (g->agencies) {
        /* a collection: about 3 rows a search at 20 agencies, 7 at 64 (the brief's 140
         * million rows were 18.7 million searches) */
        if (coll_files(g) != 0) return 1;
        uint64_t bytes = 0, rows = 0;
        uint64_t want = g->size ? g->size / 250 : g->rows;
        uint64_t per_month = want / (1 + (uint64_t)g->agencies / 10) / (uint64_t)g->months + 1;
        for (int m = 0; !coll_month(g, m % 1200, per_month, &bytes, &rows, s); m++)
            ;
        for (int j = 0; j < g->agencies; j++) {
            rc |= close_file(g->anet[j]);
            rc |= close_file(g->aorg[j]);
        }
    } else if (g->size) {
        /* one big network audit: months of ~size/250/months rows until the size is reached */
        outfile *f = new_file(g, "network_audit_big.csv", 1, abs_month(g, g->months - 1), 0);
        if (!f) return 1;
        uint64_t per_month = g->size / 250 / (uint64_t)g->months + 1;
        for (int m = 0; ob_total(&f->ob) < g->size && !f->ob.err; m++)
            gen_month(g, m % 1200, per_month, f, NULL, g->size, 0, 0, s);
        rc |= close_file(f);
    } else {
        /* searches per month so that rows come near --rows (1.33 rows per search) */
        uint64_t per_month = g->rows * 3 / 4 / (uint64_t)g->months + 1;
        int rep_month = g->months / 2;
        for (int m = 0; m < g->months; m++) {
            int am = abs_month(g, m);
            char name[80];
            outfile *net = NULL, *orgf = NULL;
            if (g->only != 2) {
                month_name(name, sizeof name, "network_audit_", am, ".csv");
                if (!(net = new_file(g, name, 1, am, 2 * m))) return 1;
                if (g->quirks && m == rep_month) {
                    net->rep_hdr_at = per_month / 2 + 1;
                    net->fq |= 1u << FQ_REP_HDR;
                }
            }
            if (g->only != 1) {
                month_name(name, sizeof name, "organization_audit_", am, ".csv");
                if (!(orgf = new_file(g, name, 0, am, 2 * m + 1))) return 1;
            }
            gen_month(g, m, per_month, net, orgf, 0, 0, 0, s);
            /* one file cut at UTC rather than local midnight: it repeats the newest hours of
             * the month before */
            if (g->quirks && net && m == 1) {
                net->fq |= 1u << FQ_OVERLAP;
                g->main_pass = 0;
                g->extra_q = QB(Q_OVERLAP);
                gen_month(g, m - 1, per_month, net, NULL, 0, 0, month_start(am) - 7 * 3600, s);
                g->extra_q = 0;
                g->main_pass = 1;
            }
            rc |= close_file(net);
            rc |= close_file(orgf);
        }
        /* a re-released part of the last month's network audit, cut off mid-record */
        if (g->quirks && g->only != 2) {
            int m = g->months - 1, am = abs_month(g, m);
            char name[80];
            month_name(name, sizeof name, "network_audit_", am, "_cutoff.csv");
            outfile *f = new_file(g, name, 1, am, 2 * g->months);
            if (!f) return 1;
            g->main_pass = 0;
            uint64_t k = per_month / 8 + 3;
            if (gen_month(g, m, per_month, f, NULL, 0, k, 0, s)) {
                f->fq |= 1u << FQ_CUTOFF;
                ob_need(&f->ob, 2 * ROW_MAX);
                write_row(g, f, s, 1);
                f->records++;
                truth_line(g, f, f->records, "", 0, 0, QB(Q_CUTOFF), "");
                count_record(g, 0, 0, QB(Q_CUTOFF));
            }
            g->main_pass = 1;
            rc |= close_file(f);
        }
    }
    for (int i = 0; i < g->nfiles; i++) g->search_rows += g->files[i].search_rows;
    free(s);
    if (g->truth_open && ob_close(&g->truth) != 0) {
        fprintf(stderr, "slgen: write error on truth.csv\n");
        rc = 1;
    }
    if (write_json(g) != 0) {
        fprintf(stderr, "slgen: cannot write truth.json\n");
        rc = 1;
    }
    free(g->orgs);
    free(g->users);
    free(g->files);
    free(g->anet);
    free(g->aorg);
    free(g->agency_of);
    return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
    static gen g;
    if (parse_args(&g, argc, argv) != 0) {
        usage();
        return 2;
    }
    return run(&g);
}
