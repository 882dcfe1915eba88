/* The matcher's loops over every character of a corpus, in C (see framing/_kernels.py for why
 * these are not written with a compiler package). Two functions that release the GIL:
 *
 *   forms(texts, table, known, is_word, to_search, flags,
 *         out, search, cand, rare, unknown, n_tokens[, fill]) -> (n, n_unknown, nuls, n_cand, n_rare)
 *         (fill(cp): enters a code point missing from the table, called with the GIL taken;
 *         n_unknown: the distinct code points still missing, each listed once in unknown)
 *         (a text is a str, or (bytes, start, end, n_chars, ...): a JSON string literal, read from
 *         its bytes; n = -1 when one is not valid UTF-8)
 *   scan(data, classes, delta, k, start, n_out, own, link, lengths, fill,
 *        pid, st, en, counts) -> None   (counts: matches of each of the 8 pieces)
 *
 * and, after scan, resolve(data, pid, st, en, n, pk_ptr, pk_keys, ptr, tids, kind, out_tid,
 * out_start, out_end) -> rows: the scan's matches as candidate mentions checked at their ends,
 * and longest(order, doc, group, start, end, tid, cat_of, multi, out_doc, out_start, out_end,
 * out_tid) -> rows: the leftmost-longest of them;
 *
 * and one for voice attribution, which builds Python objects (and keeps the GIL):
 *
 *   word_spans(text, start, end, apostrophes, tokens) -> tokens
 *   tokens_of(text, start, end, apostrophes, starts, ends[, low, words, first, marks, hits]) -> None
 *
 * and soft_runs(u0, cand, is_word, out_a, out_b) -> rows: the soft gaps of the one-byte form;
 *
 * and for reading corpora: with_nul(list) -> indexes of the str items that hold a NUL, line_ends
 * (see framing/_kernels.py), and json_literals(data, min_len) -> (small, cuts): long string values
 * cut out of JSON Lines (framing/_jsontext.py); set_vector_forms(flag) for the tests; and for
 * voice attribution (framing/voice.py), which keep the GIL: quote_regions(text, ...) -> [(start,
 * end), ...], sentence_spans, focus, sentence_regions, all_inside, and attributions(text, starts,
 * ends, words, first, quotes, sents, tables) -> [(start, end, source, rule), ...] (the attribution rules).
 *
 * Arrays come as buffers (NumPy arrays, bytes): the caller (framing/_kernels.py) allocates them
 * with the documented sizes and dtypes; sizes are checked here, dtypes are the caller's contract.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>
#include <stdarg.h>

#define N_CODES 0x110000

#if defined(_MSC_VER) && !defined(restrict)
#define restrict __restrict /* MSVC's C mode has no C99 restrict */
#endif

/* Inlined into each caller: tokens_span's copies for each kind of str read characters without
 * testing the kind each time (the kind a constant there); the JSON literal readers. */
#if defined(__GNUC__) || defined(__clang__)
#define FORCE_INLINE static inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define FORCE_INLINE static __forceinline
#else
#define FORCE_INLINE static inline
#endif
/* SSE2 (every x86-64) for the scans of a text for a few characters (next_break and the like, below);
 * other compilers and targets keep loops that the compiler may vectorise itself. */
#if (defined(__GNUC__) || defined(__clang__)) && defined(__SSE2__) && !defined(FRAMING_NO_VECTOR)
#include <emmintrin.h>
#define SSE2_SCANS 1
#endif
/* Kept out of the loops that call it (a rare path whose code there slowed the common one) */
#if defined(__GNUC__) || defined(__clang__)
#define OUT_OF_LINE static __attribute__((noinline, cold))
#elif defined(_MSC_VER)
#define OUT_OF_LINE static __declspec(noinline)
#else
#define OUT_OF_LINE static
#endif

static int check_size(Py_buffer *b, Py_ssize_t need, const char *name) {
    if (b->len < need) {
        PyErr_Format(PyExc_ValueError, "%s: buffer of %zd bytes, %zd needed", name, b->len, need);
        return -1;
    }
    return 0;
}

/* Whether the n buffers that follow start at multiples of size (int64 arrays read as such). */
static int check_aligned(size_t size, int n, ...) {
    va_list ap;
    va_start(ap, n);
    int bad = 0;
    for (int k = 0; k < n; k++) bad |= ((uintptr_t)va_arg(ap, Py_buffer *)->buf % size) != 0;
    va_end(ap);
    if (bad) PyErr_SetString(PyExc_ValueError, "arrays of 8-byte integers must be aligned (pass NumPy arrays)");
    return bad ? -1 : 0;
}

/* Code points missing from the table, met by forms() in a loop that released the GIL (save: its
 * thread state). (A code point is missing where known[cp] is 0, or its code is 0, which no entered
 * code point >= 128 has: another thread may have set known[cp] with its code not yet seen here,
 * on processors that reorder stores; fill, called again, writes the same code in this thread.) fill, the caller's Python function that enters one into the table (and sets
 * known[cp]), is called with the GIL taken for the call; an error it raises stays set and ends
 * its calls (failed). A code point fill does not enter (or without fill) is listed once in
 * unknown (seen: a bit per code point, allocated at the first): news text repeats its few new code
 * points (curly quotes, dashes) thousands of times in a batch, and a list that overflows the
 * caller's buffer sends it to a slow path that decodes the whole batch again (20 ms of the first
 * 4 MB a process reads). */
typedef struct {
    PyObject *fill;
    PyThreadState **save;
    uint8_t *seen;
    int64_t *unknown;
    Py_ssize_t max, n;
    int failed;
} unknowns;

OUT_OF_LINE void meet_unknown(unknowns *u, const uint8_t *known, uint32_t cp) {
    if (u->fill != NULL && !u->failed) {
        PyEval_RestoreThread(*u->save);
        PyObject *r = PyObject_CallFunction(u->fill, "I", (unsigned int)cp);
        Py_XDECREF(r);
        *u->save = PyEval_SaveThread();
        u->failed = r == NULL;
        if (known[cp]) return;
    }
    if (u->seen == NULL) u->seen = calloc(0x110000 / 8, 1);
    if (u->seen != NULL) { /* (without memory, every occurrence is listed) */
        uint8_t bit = (uint8_t)(1u << (cp & 7));
        if (u->seen[cp >> 3] & bit) return;
        u->seen[cp >> 3] |= bit;
    }
    if (u->n < u->max) u->unknown[u->n] = cp;
    u->n++;
}

/* Pass 1 over code points [A, B) of one text: one class byte per code point; unknown code points and
 * NULs counted. A variation selector (U+FE00-FE0F, RARE in the table: a combining mark) right after
 * punctuation or a symbol, as in the emoji "\u2764\ufe0f", is punctuation too: the exact form drops
 * it into the symbol's group, a gap either way (framing/text.py, _letters); elsewhere it stays RARE,
 * and its text takes the exact path (o[-1] is the space before the text). */
#define CLASSIFY_CP(CP, I)                                                    \
    do {                                                                      \
        uint32_t cp_ = (CP);                                                  \
        Py_ssize_t i_ = (I);                                                  \
        if (cp_ >= 128) {                                                     \
            if (!known[cp_] || table[cp_] == 0) meet_unknown(&unk, known, cp_); \
        } else if (cp_ == 0) {                                                \
            nuls++;                                                           \
        }                                                                     \
        o[i_] = table[cp_];                                                   \
        if (cp_ - 0xFE00u < 16u && o[i_] == 0x1F && o[i_ - 1] == 0x01)        \
            o[i_] = 0x01;                                                     \
    } while (0)

#define CLASSIFY_RANGE(TYPE, A, B)                                            \
    do {                                                                      \
        const TYPE *restrict s = (const TYPE *)data;                          \
        for (Py_ssize_t i = (A); i < (B); i++) CLASSIFY_CP(s[i], i);          \
    } while (0)

/* Pass 2 over the one-byte form (forms() below), one byte at a time: a lone apostrophe becomes
 * 0x02 (an apostrophe is part of a word only between two word characters); positions i - 1 where
 * flags[out[i - 1]] & flags[out[i]] go to cand, the search form (to_search) to search, positions of
 * 0x1F to rare, and the words between the k-th NUL and the next to n_tokens[k]. Without
 * data-dependent branches where words begin and end (they cost three times the rest). */
typedef struct {
    Py_ssize_t seg, n_cand, n_rare;
    int64_t count, prev_word;
} p2state;

typedef struct {
    const uint8_t *restrict is_word, *restrict to_search, *restrict flags;
    uint8_t *restrict out, *restrict search;
    int64_t *restrict cand, *restrict rare, *restrict n_tokens;
    Py_ssize_t n, n_texts;
} p2tables;

static void pass2_scalar(const p2tables *tb, p2state *st, Py_ssize_t from, Py_ssize_t to) {
    const uint8_t *restrict is_word = tb->is_word, *restrict to_search = tb->to_search, *restrict flags = tb->flags;
    uint8_t *restrict out = tb->out, *restrict search = tb->search;
    Py_ssize_t n = tb->n, seg = st->seg, n_cand = st->n_cand, n_rare = st->n_rare;
    int64_t count = st->count, prev_word = st->prev_word;
    uint8_t prev_flag = from > 0 ? flags[out[from - 1]] : 0; /* (out[from - 1] is final) */
    for (Py_ssize_t i = from; i < to; i++) {
        uint8_t c = out[i];
        if (c == 0x27 && i > 0 && i < n - 1 && !(is_word[out[i - 1]] && is_word[out[i + 1]])) {
            c = 0x02;
            out[i] = c;
        }
        uint8_t f = flags[c];
        if (prev_flag & f) tb->cand[n_cand++] = i - 1;
        prev_flag = f;
        uint8_t x = to_search[c];
        search[i] = x;
        int64_t w = x > 32;
        count += w & (prev_word ^ 1);
        prev_word = w;
        if (x < 32) {
            if (x == 0) {
                if (seg <= tb->n_texts + 1) tb->n_tokens[seg++] = count; /* (bounded: tables are the caller's) */
                count = 0;
            } else if (c == 0x1F) {
                tb->rare[n_rare++] = i;
            }
        }
    }
    st->seg = seg;
    st->n_cand = n_cand;
    st->n_rare = n_rare;
    st->count = count;
    st->prev_word = prev_word;
}

#if (defined(__GNUC__) || defined(__clang__)) && !defined(FRAMING_NO_VECTOR)
/* forms() VBYTES bytes at a time with the compilers' vector extensions (SSE2 on every x86-64, NEON
 * on ARM64; MSVC builds use the byte loops). Pass 1 (CLASSIFY_BLOCKS): a block of ASCII code points
 * without NUL is looked up without a test per code point. Pass 2 (pass2_vector), for the bytes the
 * form's tables give these meanings (tables_are_standard: checked on every call, else the byte loop
 * does it all): a block holding NUL, 0x1F or another control byte is passed to pass2_scalar, the
 * rest of news text is done here (20 -> 8 ms per 20 MB). */
#define FORMS_VECTOR 1
#define VBYTES 16
typedef uint8_t vbytes __attribute__((vector_size(VBYTES)));

static int vector_forms = 1; /* set_vector_forms(False) in the tests: the scalar passes alone */

/* (macros rather than functions: GCC warns about passing vectors by value without AVX) */
#define VLOAD(v, p) memcpy(&(v), (p), VBYTES)
#define VM(x) ((vbytes)(x)) /* a comparison's lanes (0 or -1) as bytes (0 or 0xFF) */
/* Word characters of the form: ASCII letters (of either case), digits and '_', every byte from 0x80. */
#define V_IS_WORD(c) (VM((c) >= 0x80) | VM(((c) >= '0') & ((c) <= '9')) | \
                      VM((((c) | 0x20) >= 'a') & (((c) | 0x20) <= 'z')) | VM((c) == '_'))

static inline int vany(const vbytes *v) {
    uint64_t u[VBYTES / 8], acc = 0;
    memcpy(u, v, VBYTES);
    for (int j = 0; j < VBYTES / 8; j++) acc |= u[j];
    return acc != 0;
}

typedef uint16_t vu16 __attribute__((vector_size(VBYTES)));

/* CLASSIFY_RANGE a block at a time (VTYPE: VBYTES of code points of TYPE), the blocks of ASCII
 * code points without NUL with a table lookup alone; sets done to where CLASSIFY_RANGE goes on. */
#define CLASSIFY_BLOCKS(TYPE, VTYPE)                                                        \
    do {                                                                                    \
        const Py_ssize_t per_ = VBYTES / sizeof(TYPE);                                      \
        const TYPE *restrict s_ = (const TYPE *)data;                                       \
        for (; done + per_ <= len; done += per_) {                                          \
            VTYPE v_;                                                                       \
            memcpy(&v_, s_ + done, VBYTES);                                                 \
            VTYPE bad_ = (VTYPE)(v_ >= 128) | (VTYPE)(v_ == 0);                             \
            if (vany((const vbytes *)&bad_)) {                                              \
                CLASSIFY_RANGE(TYPE, done, done + per_);                                    \
            } else {                                                                        \
                for (Py_ssize_t j_ = 0; j_ < per_; j_++) o[done + j_] = table[s_[done + j_]]; \
            }                                                                               \
        }                                                                                   \
    } while (0)

static int tables_are_standard(const uint8_t *is_word, const uint8_t *to_search, const uint8_t *flags) {
    for (int c = 0; c < 256; c++) {
        int word = c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_';
        int gap = c == 0x01 || c == 0x02 || c == 0x0A || c == 0x0D;
        int flag = (c == 0x01 ? 1 : 0) | (c == 0x20 || c == 0x0A || c == 0x0D ? 2 : 0);
        if (!is_word[c] != !word || to_search[c] != (gap ? 0x20 : c) || flags[c] != flag) return 0;
    }
    return 1;
}

/* Blocks from position 2 while a whole block and the byte after it lie in the form; returns the
 * position where pass2_scalar goes on (st holds the state up to there). */
static Py_ssize_t pass2_vector(const p2tables *tb, p2state *st) {
    uint8_t *restrict out = tb->out, *restrict search = tb->search;
    Py_ssize_t n = tb->n, i = 2;
    if (n < VBYTES + 3) return 0;
    pass2_scalar(tb, st, 0, 2);
    vbytes acc = {0}; /* word starts per lane since the last flush (< 255 blocks) */
    int blocks = 0;
    for (; i + VBYTES + 1 <= n; i += VBYTES) {
        vbytes prev, cur;
        VLOAD(prev, out + i - 1); /* (final: the block before is done) */
        VLOAD(cur, out + i);
        vbytes low = VM(cur < 0x20), punct = VM(cur == 0x01), brk = VM(cur == 0x0A) | VM(cur == 0x0D);
        vbytes ppunct = VM(prev == 0x01), pwhite = VM(prev == 0x20) | VM(prev == 0x0A) | VM(prev == 0x0D);
        vbytes stop = low & ~(punct | brk);
        if (vany(&stop)) {
            if (blocks) {
                for (int j = 0; j < VBYTES; j++) st->count += acc[j];
                acc ^= acc;
                blocks = 0;
            }
            st->prev_word = (tb->to_search[out[i - 1]] > 32);
            pass2_scalar(tb, st, i, i + VBYTES);
            continue;
        }
        /* Two neighbours sharing a flag (punctuation, or whitespace): a candidate soft gap (a
         * paragraph's line breaks, '."'), about one block in twelve */
        vbytes pair = (punct & ppunct) | ((VM(cur == 0x20) | brk) & pwhite);
        if (vany(&pair))
            for (int j = 0; j < VBYTES; j++)
                if (pair[j]) tb->cand[st->n_cand++] = i + j - 1;
        /* Here every byte below 0x20 is a gap (0x01, 0x0A, 0x0D), a space in the search form. */
        vbytes lone = {0}, plone = {0}; /* lone apostrophes here, and in the byte before each */
        vbytes apos = VM(cur == 0x27) | VM(prev == 0x27);
        if (vany(&apos)) {
            /* (a lone apostrophe's rewrite never changes whether it is a word character, so the
             * neighbours may be read as they were) */
            vbytes pp, next;
            VLOAD(pp, out + i - 2);
            VLOAD(next, out + i + 1);
            lone = VM(cur == 0x27) & ~(V_IS_WORD(prev) & V_IS_WORD(next));
            plone = VM(prev == 0x27) & ~(V_IS_WORD(pp) & V_IS_WORD(cur));
            vbytes fixed = (lone & 0x02) | (~lone & cur);
            memcpy(out + i, &fixed, VBYTES);
        }
        vbytes gap = low | lone;
        vbytes x = (gap & 0x20) | (~gap & cur);
        memcpy(search + i, &x, VBYTES);
        /* a word starts where this byte is a word byte of the search form and the one before is not */
        vbytes word = VM(cur > 0x20) & ~lone, pword = VM(prev > 0x20) & ~plone;
        acc += word & ~pword & 1;
        if (++blocks == 255) {
            for (int j = 0; j < VBYTES; j++) st->count += acc[j];
            acc ^= acc;
            blocks = 0;
        }
    }
    for (int j = 0; j < VBYTES; j++) st->count += acc[j];
    st->prev_word = (tb->to_search[out[i - 1]] > 32);
    return i;
}

static PyObject *set_vector_forms(PyObject *self, PyObject *arg) {
    int old = vector_forms;
    vector_forms = PyObject_IsTrue(arg);
    if (vector_forms < 0) {
        vector_forms = old;
        return NULL;
    }
    return PyBool_FromLong(old);
}
#else
static PyObject *set_vector_forms(PyObject *self, PyObject *arg) { Py_RETURN_FALSE; }
#endif

/* ---- JSON string literals read in place (framing/_jsontext.py, framing/corpus.py) ----
 *
 * json_literals(data, min_len) -> (small, cuts): for each line of a block of JSON Lines (bytes),
 * the longest string value of its top-level object when it is at least min_len bytes long, cut out
 * of the line ("key": "" stays), so that orjson parses the rest of the line without making a str
 * of the text: cuts holds, for each line, None or (data, start, end, n_chars, flags, key bytes,
 * line start, line end), start:end the literal's bytes between its quotes in data. Only a line this
 * reader understands in full is cut: an object whose keys hold no escape and are not repeated,
 * whose value to cut is a valid JSON string (valid UTF-8, no control character, valid escapes, no
 * unpaired surrogate escape). Any other line is left as it is, for the parser to read or refuse
 * (the rest of each line is validated by that parser: replacing a valid string literal by "" changes
 * neither whether a line is valid JSON nor any other value). */
#define JT_NUL 1   /* a NUL character (the escape \u0000) */
#define JT_SOLID 2 /* a character that is not whitespace (str.isspace) */

FORCE_INLINE int is_space_cp(uint32_t c) { /* str.isspace (tests/test_jsontext.py derives the list) */
    if (c < 128) return c == ' ' || (c >= 9 && c <= 13) || (c >= 0x1C && c <= 0x1F);
    return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
           c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

FORCE_INLINE long hex4(const uint8_t *p) {
    long v = 0;
    for (int k = 0; k < 4; k++) {
        uint8_t c = p[k];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

/* One character of a valid literal at p (before end): its code point, and the bytes it takes; 0
 * bytes when it is not valid (or p is at the closing quote, or a control character). Valid UTF-8
 * as Python and orjson read it: no overlong form, no surrogate, nothing above U+10FFFF. */
FORCE_INLINE int literal_char(const uint8_t *p, const uint8_t *end, uint32_t *cp) {
    uint8_t c = p[0];
    if (c < 0x80) {
        if (c == '"' || c < 0x20) return 0;
        if (c != '\\') {
            *cp = c;
            return 1;
        }
        if (end - p < 2) return 0;
        switch (p[1]) {
            case '"': case '\\': case '/': *cp = p[1]; return 2;
            case 'b': *cp = 8; return 2;
            case 'f': *cp = 12; return 2;
            case 'n': *cp = 10; return 2;
            case 'r': *cp = 13; return 2;
            case 't': *cp = 9; return 2;
            case 'u': break;
            default: return 0;
        }
        if (end - p < 6) return 0;
        long h = hex4(p + 2);
        if (h < 0 || (h >= 0xDC00 && h <= 0xDFFF)) return 0;
        if (h < 0xD800 || h > 0xDBFF) {
            *cp = (uint32_t)h;
            return 6;
        }
        if (end - p < 12 || p[6] != '\\' || p[7] != 'u') return 0;
        long l = hex4(p + 8);
        if (l < 0xDC00 || l > 0xDFFF) return 0;
        *cp = 0x10000 + (((uint32_t)h - 0xD800) << 10) + ((uint32_t)l - 0xDC00);
        return 12;
    }
    Py_ssize_t left = end - p;
    if (c >= 0xC2 && c <= 0xDF) {
        if (left < 2 || (p[1] & 0xC0) != 0x80) return 0;
        *cp = ((uint32_t)(c & 0x1F) << 6) | (p[1] & 0x3F);
        return 2;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (left < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return 0;
        if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F)) return 0;
        *cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (left < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80) return 0;
        if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] > 0x8F)) return 0;
        *cp = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) | ((uint32_t)(p[2] & 0x3F) << 6) |
              (p[3] & 0x3F);
        return 4;
    }
    return 0;
}

/* A string literal from p (just after its opening quote): the position of its closing quote, its
 * characters and flags; NULL when it is not closed before end, or holds a control character, a
 * bad escape or an unpaired surrogate escape. Bytes from 0x80 are counted as UTF-8 (a character
 * per byte that is not a continuation byte) but not validated: forms() decodes every text it reads
 * and refuses one that is not valid UTF-8, and so does JsonText when it makes a str (a block that
 * holds one is read again as a whole: framing/score.py, _chunk_task). A character from U+0080 is
 * taken as not whitespace when its lead byte says so (not C2, E1, E2 or E3, the leads of the
 * few whitespace characters there). */
#define JT_SOLID_LEAD(c) ((c) >= 0xC3 && (c) != 0xE1 && (c) != 0xE2 && (c) != 0xE3)
static const uint8_t *scan_literal(const uint8_t *p, const uint8_t *end, Py_ssize_t *n_chars, int *flags) {
    Py_ssize_t n = 0;
    int f = 0;
#ifdef FORMS_VECTOR
    vbytes solid = {0}, cont = {0}; /* (summed once at the end: exits from the block loop are many) */
    int blocks = 0;
#endif
    for (;;) {
#ifdef FORMS_VECTOR
        /* No control character or quote, and only two-byte escapes other than \\ and \": a block at
         * a time (most of a text; a news text's line breaks are \n). A backslash and the byte it
         * escapes are one character, which may begin in one block and end in the next; the byte
         * after a backslash is never taken for a character that is not whitespace. */
        while (end - p > VBYTES) {
            vbytes v, prev, next;
            VLOAD(v, p);
            VLOAD(prev, p - 1); /* (p - 1: at least the opening quote) */
            VLOAD(next, p + 1);
            vbytes bs = VM(v == '\\');
            vbytes simple = VM(next == 'n') | VM(next == 't') | VM(next == 'r') | VM(next == 'b') |
                            VM(next == 'f') | VM(next == '/');
            vbytes stop = VM(v < 0x20) | VM(v == '"') | (bs & ~simple);
            if (vany(&stop)) break;
            vbytes high = VM(v >= 0x80), escaped = VM(prev == '\\');
            solid |= (VM(v != ' ') & ~high & ~bs & ~escaped) |
                     (VM(v >= 0xC3) & ~(VM(v == 0xE1) | VM(v == 0xE2) | VM(v == 0xE3)));
            cont -= VM((v & 0xC0) == 0x80) | bs; /* (lanes of -1: a byte that starts no character) */
            n += VBYTES;
            p += VBYTES;
            if (++blocks == 255) {
                for (int j = 0; j < VBYTES; j++) n -= cont[j];
                cont ^= cont;
                blocks = 0;
            }
        }
#endif
        if (p >= end) return NULL;
        uint8_t c = *p;
        if (c == '"') break;
        if (c >= 0x80) {
            n += (c & 0xC0) != 0x80;
            f |= JT_SOLID_LEAD(c) ? JT_SOLID : 0;
            p++;
            continue;
        }
        uint32_t cp;
        int k = literal_char(p, end, &cp);
        if (k == 0) return NULL;
        p += k;
        n++;
        f |= (cp == 0 ? JT_NUL : 0) | (is_space_cp(cp) ? 0 : JT_SOLID);
    }
#ifdef FORMS_VECTOR
    for (int j = 0; j < VBYTES; j++) n -= cont[j];
    f |= vany(&solid) ? JT_SOLID : 0;
#endif
    *n_chars = n;
    *flags = f;
    return p;
}

/* The closing quote of a string from p (after its opening quote), escapes skipped; NULL if none. */
static const uint8_t *skip_string(const uint8_t *p, const uint8_t *end) {
    while (p < end) {
        if (*p == '"') return p;
        p += *p == '\\' ? 2 : 1;
    }
    return NULL;
}

static const uint8_t *skip_ws(const uint8_t *p, const uint8_t *end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r')) p++;
    return p;
}

/* Past a value that is not a string at p: a nested object or array (brackets counted, strings
 * skipped), or a number or literal (up to a delimiter); NULL if the line ends first. Not
 * validated: the parser reads it. */
static const uint8_t *skip_value(const uint8_t *p, const uint8_t *end) {
    if (*p == '{' || *p == '[') {
        Py_ssize_t depth = 0;
        while (p < end) {
            uint8_t c = *p;
            if (c == '"') {
                p = skip_string(p + 1, end);
                if (p == NULL) return NULL;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) return p + 1;
            }
            p++;
        }
        return NULL;
    }
    const uint8_t *s = p;
    while (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\t' && *p != '\r' && *p != '"')
        p++;
    return p > s ? p : NULL;
}

#define JT_MAX_KEYS 256

typedef struct {
    const uint8_t *key, *start, *end;
    Py_ssize_t key_len, n_chars;
    int flags;
} jt_cut;

/* The value to cut from the line [a, b), or 0 when there is none (see json_literals). */
static int line_literal(const uint8_t *a, const uint8_t *b, Py_ssize_t min_len, jt_cut *cut) {
    const uint8_t *keys[JT_MAX_KEYS];
    Py_ssize_t lens[JT_MAX_KEYS];
    int n_keys = 0, best = -1;
    const uint8_t *p = skip_ws(a, b);
    if (p >= b || *p != '{') return 0;
    p = skip_ws(p + 1, b);
    if (p < b && *p == '}') {
        p++;
    } else {
        for (;;) {
            if (p >= b || *p != '"' || n_keys == JT_MAX_KEYS) return 0;
            const uint8_t *ks = p + 1, *ke = skip_string(ks, b);
            if (ke == NULL || memchr(ks, '\\', (size_t)(ke - ks)) != NULL) return 0;
            keys[n_keys] = ks;
            lens[n_keys] = ke - ks;
            p = skip_ws(ke + 1, b);
            if (p >= b || *p != ':') return 0;
            p = skip_ws(p + 1, b);
            if (p >= b) return 0;
            if (*p == '"') {
                Py_ssize_t n_chars;
                int flags;
                const uint8_t *ve = scan_literal(p + 1, b, &n_chars, &flags);
                if (ve == NULL) return 0;
                if (ve - (p + 1) >= min_len && (best < 0 || ve - (p + 1) > cut->end - cut->start)) {
                    best = n_keys;
                    cut->start = p + 1;
                    cut->end = ve;
                    cut->n_chars = n_chars;
                    cut->flags = flags;
                }
                p = ve + 1;
            } else {
                p = skip_value(p, b);
                if (p == NULL) return 0;
            }
            n_keys++;
            p = skip_ws(p, b);
            if (p < b && *p == ',') {
                p = skip_ws(p + 1, b);
                continue;
            }
            if (p < b && *p == '}') {
                p++;
                break;
            }
            return 0;
        }
    }
    if (skip_ws(p, b) != b || best < 0) return 0;
    for (int k = 0; k < n_keys; k++) /* a repeated key: the parser keeps its last value */
        if (k != best && lens[k] == lens[best] && memcmp(keys[k], keys[best], (size_t)lens[k]) == 0) return 0;
    cut->key = keys[best];
    cut->key_len = lens[best];
    return 1;
}

static PyObject *json_literals(PyObject *self, PyObject *args) {
    PyObject *obj;
    Py_ssize_t min_len;
    if (!PyArg_ParseTuple(args, "O!n", &PyBytes_Type, &obj, &min_len)) return NULL;
    Py_ssize_t len = PyBytes_GET_SIZE(obj);
    PyObject *cuts = PyList_New(0), *small = NULL, *result = NULL;
    uint8_t *out = PyMem_Malloc(len > 0 ? (size_t)len : 1);
    if (cuts == NULL || out == NULL) {
        if (out == NULL) PyErr_NoMemory();
        goto done;
    }
    {
        const uint8_t *data = (const uint8_t *)PyBytes_AS_STRING(obj), *end = data + len, *a = data;
        uint8_t *o = out;
        for (;;) {
            const uint8_t *b = memchr(a, '\n', (size_t)(end - a));
            if (b == NULL) b = end;
            jt_cut cut;
            PyObject *item;
            if (line_literal(a, b, min_len < 1 ? 1 : min_len, &cut)) {
                memcpy(o, a, (size_t)(cut.start - a));
                o += cut.start - a;
                memcpy(o, cut.end, (size_t)(b - cut.end));
                o += b - cut.end;
                item = Py_BuildValue("Onnniy#nn", obj, (Py_ssize_t)(cut.start - data), (Py_ssize_t)(cut.end - data),
                                     cut.n_chars, cut.flags, (const char *)cut.key, cut.key_len,
                                     (Py_ssize_t)(a - data), (Py_ssize_t)(b - data));
                if (item == NULL) goto done;
            } else {
                memcpy(o, a, (size_t)(b - a));
                o += b - a;
                Py_INCREF(Py_None);
                item = Py_None;
            }
            if (PyList_Append(cuts, item) < 0) {
                Py_DECREF(item);
                goto done;
            }
            Py_DECREF(item);
            if (b == end) break;
            *o++ = '\n';
            a = b + 1;
        }
        small = PyBytes_FromStringAndSize((const char *)out, o - out);
        if (small == NULL) goto done;
    }
    result = PyTuple_Pack(2, small, cuts);
done:
    PyMem_Free(out);
    Py_XDECREF(small);
    Py_XDECREF(cuts);
    return result;
}

/* literal_valid(data, start, end) -> bool: whether data[start:end] is a valid JSON string literal's
 * inside, UTF-8 included (what forms() checks as it reads one; for literals whose keys are read
 * before any is matched: framing/corpus.py, _parsed_head). */
static PyObject *literal_valid(PyObject *self, PyObject *args) {
    Py_buffer in;
    Py_ssize_t a, b;
    if (!PyArg_ParseTuple(args, "y*nn", &in, &a, &b)) return NULL;
    if (a < 0 || a > b || b > in.len) {
        PyBuffer_Release(&in);
        PyErr_SetString(PyExc_ValueError, "literal_valid: start and end must lie in the buffer");
        return NULL;
    }
    const uint8_t *p = (const uint8_t *)in.buf + a, *e = (const uint8_t *)in.buf + b;
    int ok = 1;
    while (p < e) {
#ifdef FORMS_VECTOR
        while (e - p >= VBYTES) {
            vbytes v;
            VLOAD(v, p);
            vbytes stop = VM(v < 0x20) | VM(v >= 0x80) | VM(v == '"') | VM(v == '\\');
            if (vany(&stop)) break;
            p += VBYTES;
        }
        if (p >= e) break;
#endif
        uint32_t cp;
        int k = literal_char(p, e, &cp);
        if (k == 0) {
            ok = 0;
            break;
        }
        p += k;
    }
    PyBuffer_Release(&in);
    return PyBool_FromLong(ok);
}

typedef struct {
    int kind; /* a str's kind, or 0: a JSON string literal, from data to end (its closing quote) */
    const void *data, *end;
    Py_ssize_t len;
} text_view;

static PyObject *forms(PyObject *self, PyObject *args) {
    PyObject *texts, *fill_cb = NULL;
    Py_buffer b_table, b_known, b_word, b_search_map, b_flags, b_out, b_search, b_cand, b_rare,
        b_unknown, b_tokens;
    if (!PyArg_ParseTuple(args, "O!y*y*y*y*y*w*w*w*w*w*w*|O", &PyList_Type, &texts, &b_table, &b_known,
                          &b_word, &b_search_map, &b_flags, &b_out, &b_search, &b_cand, &b_rare,
                          &b_unknown, &b_tokens, &fill_cb))
        return NULL;
    if (fill_cb == Py_None) fill_cb = NULL;
    PyObject *result = NULL, *items = NULL;
    text_view *views = NULL;
    /* The texts are laid out as " NUL text1 NUL text2 ... NUL " (framing/batch.py). */
    items = PySequence_Tuple(texts); /* (a tuple: the list may change while the GIL is released) */
    if (items == NULL) goto done;
    Py_ssize_t n_texts = PyTuple_GET_SIZE(items), n = 3;
    views = PyMem_Malloc(sizeof(text_view) * (n_texts + 1));
    if (views == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t t = 0; t < n_texts; t++) {
        PyObject *item = PyTuple_GET_ITEM(items, t);
        if (PyTuple_Check(item)) { /* (bytes, start, end, n_chars): a literal of json_literals */
            Py_ssize_t a = -1, b = -1, len = -1;
            PyObject *buf = PyTuple_GET_SIZE(item) >= 4 ? PyTuple_GET_ITEM(item, 0) : NULL;
            if (buf != NULL && PyBytes_Check(buf)) {
                a = PyLong_AsSsize_t(PyTuple_GET_ITEM(item, 1));
                b = PyLong_AsSsize_t(PyTuple_GET_ITEM(item, 2));
                len = PyLong_AsSsize_t(PyTuple_GET_ITEM(item, 3));
                if (PyErr_Occurred()) goto done;
            }
            if (buf == NULL || !PyBytes_Check(buf) || a < 0 || a > b || b >= PyBytes_GET_SIZE(buf) || len < 0 ||
                len > b - a) {
                PyErr_Format(PyExc_ValueError, "text %zd: not a str nor (bytes, start, end, n_chars) of a literal", t);
                goto done;
            }
            views[t].kind = 0;
            views[t].data = PyBytes_AS_STRING(buf) + a;
            views[t].end = PyBytes_AS_STRING(buf) + b;
            views[t].len = len;
            n += len + 3;
            continue;
        }
        if (!PyUnicode_Check(item)) {
            PyErr_Format(PyExc_TypeError, "text %zd is not a str", t);
            goto done;
        }
        if (PyUnicode_READY(item) < 0) goto done;
        views[t].kind = PyUnicode_KIND(item);
        views[t].data = PyUnicode_DATA(item);
        views[t].len = PyUnicode_GET_LENGTH(item);
        n += views[t].len + 3;
    }
    if (check_size(&b_table, N_CODES, "table") || check_size(&b_known, N_CODES, "known") ||
        check_size(&b_word, 256, "is_word") || check_size(&b_search_map, 256, "to_search") ||
        check_size(&b_flags, 256, "flags") || check_size(&b_out, n, "out") ||
        check_size(&b_search, n, "search") || check_size(&b_cand, 8 * n, "cand") ||
        check_size(&b_rare, 8 * n, "rare") || check_size(&b_tokens, 8 * (n_texts + 2), "n_tokens"))
        goto done;
    {
        /* (restrict: the buffers never overlap, which lets the compiler keep values in registers;
         * not table and known, which meet_unknown's fill changes) */
        const uint8_t *table = b_table.buf, *known = b_known.buf;
        const uint8_t *restrict is_word = b_word.buf, *restrict to_search = b_search_map.buf;
        const uint8_t *restrict flags = b_flags.buf;
        uint8_t *restrict out = b_out.buf, *restrict search = b_search.buf;
        int64_t *restrict cand = b_cand.buf, *restrict rare = b_rare.buf;
        int64_t *restrict unknown = b_unknown.buf, *restrict n_tokens = b_tokens.buf;
        Py_ssize_t nuls = 0, n_cand = 0, n_rare = 0;
        int bad_literal = 0;
        unknowns unk = {fill_cb, NULL, NULL, unknown, b_unknown.len / 8, 0, 0};
        Py_BEGIN_ALLOW_THREADS
        unk.save = &_save;
        Py_ssize_t pos = 0;
        for (Py_ssize_t t = 0; t <= n_texts; t++) {
            out[pos] = table[' '];
            out[pos + 1] = table[0];
            out[pos + 2] = table[' '];
            pos += 3;
            if (t == n_texts) break;
            const void *data = views[t].data;
            Py_ssize_t len = views[t].len;
            uint8_t *restrict o = out + pos;
            Py_ssize_t done = 0;
#ifdef FORMS_VECTOR
            /* (16 bytes of code points at a time: where all are ASCII and none is NUL, no test
             * per code point; 16 -> 9 ms per 20 MB of news) */
            if (vector_forms && views[t].kind == PyUnicode_1BYTE_KIND) CLASSIFY_BLOCKS(uint8_t, vbytes);
            else if (vector_forms && views[t].kind == PyUnicode_2BYTE_KIND) CLASSIFY_BLOCKS(uint16_t, vu16);
#endif
            if (views[t].kind == 0) {
                /* A JSON string literal (json_literals): decoded as it is read, plain ASCII a
                 * block at a time */
                const uint8_t *p = data, *e = views[t].end;
                Py_ssize_t i = 0;
                while (i < len) {
#ifdef FORMS_VECTOR
                    while (vector_forms && e - p >= VBYTES && len - i >= VBYTES) {
                        vbytes v;
                        VLOAD(v, p);
                        vbytes stop = VM(v < 0x20) | VM(v >= 0x80) | VM(v == '\\');
                        if (vany(&stop)) break;
                        for (int j = 0; j < VBYTES; j++) o[i + j] = table[p[j]];
                        p += VBYTES;
                        i += VBYTES;
                    }
                    if (i >= len) break;
#endif
                    uint32_t cp;
                    int k = literal_char(p, e, &cp);
                    if (k == 0) break;
                    p += k;
                    CLASSIFY_CP(cp, i);
                    i++;
                }
                if (i != len || p != e) bad_literal = 1;
            }
            else if (views[t].kind == PyUnicode_1BYTE_KIND) CLASSIFY_RANGE(uint8_t, done, len);
            else if (views[t].kind == PyUnicode_2BYTE_KIND) CLASSIFY_RANGE(uint16_t, done, len);
            else CLASSIFY_RANGE(uint32_t, done, len);
            pos += len;
        }
        if (unk.n == 0 && nuls == 0 && !bad_literal) {
            p2state st = {0, 0, 0, 0, 0};
            p2tables tb = {is_word, to_search, flags, out, search, cand, rare, n_tokens, n, n_texts};
            Py_ssize_t i = 0;
#ifdef FORMS_VECTOR
            if (vector_forms && tables_are_standard(is_word, to_search, flags)) i = pass2_vector(&tb, &st);
#endif
            pass2_scalar(&tb, &st, i, n);
            n_cand = st.n_cand;
            n_rare = st.n_rare;
        }
        free(unk.seen);
        Py_END_ALLOW_THREADS
        if (unk.failed) goto done;
        /* n = -1: a literal that is not valid UTF-8 (or not of the length given for it) */
        result = Py_BuildValue("nnnnn", bad_literal ? (Py_ssize_t)-1 : n, unk.n, nuls, n_cand, n_rare);
    }
done:
    PyMem_Free(views);
    Py_XDECREF(items);
    PyBuffer_Release(&b_table); PyBuffer_Release(&b_known); PyBuffer_Release(&b_word);
    PyBuffer_Release(&b_search_map); PyBuffer_Release(&b_flags); PyBuffer_Release(&b_out);
    PyBuffer_Release(&b_search); PyBuffer_Release(&b_cand); PyBuffer_Release(&b_rare);
    PyBuffer_Release(&b_unknown); PyBuffer_Release(&b_tokens);
    return result;
}

/* The soft gaps of the one-byte form (framing/batch.py, _soft_runs, whose NumPy reading is the
 * reference): u0 the class-preserving form, cand the sorted positions i where u0[i] and u0[i + 1]
 * share a flag (forms() gives them), is_word its word bytes. First, in cand order, every run of two
 * or more punctuation bytes (0x01) right after a word byte and before one; then every run of gap
 * bytes (0x01, 0x02, LF, CR, space) around a candidate pair of whitespace (not two line breaks,
 * CR LF excepted), between two word bytes (not NUL, not 0x1F), holding only spaces and line
 * breaks, fewer than two of them (CR LF counts as one). Starts and ends go to out_a/out_b (room:
 * one per candidate); returns how many. */
#define SOFT_PUNCT 0x01
#define IS_GAP(c) ((c) == 0x01 || (c) == 0x02 || (c) == 0x0A || (c) == 0x0D || (c) == 0x20)
static PyObject *soft_runs(PyObject *self, PyObject *args) {
    Py_buffer b_u0, b_cand, b_word, b_a, b_b;
    if (!PyArg_ParseTuple(args, "y*y*y*w*w*", &b_u0, &b_cand, &b_word, &b_a, &b_b)) return NULL;
    PyObject *result = NULL;
    Py_ssize_t n_cand = b_cand.len / 8;
    if (check_size(&b_word, 256, "is_word") || check_size(&b_a, 8 * n_cand, "out_a") ||
        check_size(&b_b, 8 * n_cand, "out_b") || check_aligned(8, 3, &b_cand, &b_a, &b_b))
        goto done;
    {
        const uint8_t *u = b_u0.buf, *is_word = b_word.buf;
        const int64_t *cand = b_cand.buf;
        int64_t *oa = b_a.buf, *ob = b_b.buf;
        Py_ssize_t n = b_u0.len, out = 0;
        for (Py_ssize_t k = 0; k < n_cand; k++) { /* (checked first: every candidate pair lies in u0) */
            if (cand[k] < 0 || cand[k] + 1 >= n || (k && cand[k] <= cand[k - 1])) {
                PyErr_Format(PyExc_ValueError, "soft_runs: candidate %zd (%lld) is not a position of a pair, "
                             "in increasing order", k, (long long)cand[k]);
                goto done;
            }
        }
        for (Py_ssize_t k = 0; k < n_cand; k++) { /* runs of punctuation between two words */
            Py_ssize_t a = cand[k];
            if (u[a] != SOFT_PUNCT || a == 0 || !is_word[u[a - 1]]) continue;
            Py_ssize_t b = a + 2;
            while (b < n && u[b] == SOFT_PUNCT) b++;
            if (b < n && is_word[u[b]]) {
                oa[out] = a;
                ob[out++] = b;
            }
        }
        Py_ssize_t last_a = -1, last_b = -1;
        for (Py_ssize_t k = 0; k < n_cand; k++) { /* runs of whitespace between two words */
            Py_ssize_t i = cand[k];
            uint8_t x = u[i], y = u[i + 1];
            if (x == SOFT_PUNCT || (x == 0x0A && y == 0x0A) || (x == 0x0D && y == 0x0D) || (x == 0x0A && y == 0x0D))
                continue;
            Py_ssize_t a = i, b = i + 2;
            while (a > 0 && IS_GAP(u[a - 1])) a--;
            while (b < n && IS_GAP(u[b])) b++;
            if (a == last_a && b == last_b) continue; /* (the runs are disjoint: one seen is the last seen) */
            last_a = a;
            last_b = b;
            if (a == 0 || b >= n) continue;
            uint8_t l = u[a - 1], r = u[b];
            if (IS_GAP(l) || IS_GAP(r) || l == 0 || r == 0 || l == 0x1F || r == 0x1F) continue;
            Py_ssize_t breaks = 0;
            int only_space = 1;
            for (Py_ssize_t p = a; p < b && only_space; p++) {
                uint8_t c = u[p];
                only_space = c == 0x20 || c == 0x0A || c == 0x0D;
                breaks += (c == 0x0A || c == 0x0D) - (c == 0x0A && p > a && u[p - 1] == 0x0D);
            }
            if (only_space && breaks < 2) {
                oa[out] = a;
                ob[out++] = b;
            }
        }
        result = PyLong_FromSsize_t(out);
    }
done:
    PyBuffer_Release(&b_u0); PyBuffer_Release(&b_cand); PyBuffer_Release(&b_word);
    PyBuffer_Release(&b_a); PyBuffer_Release(&b_b);
    return result;
}
#undef IS_GAP

/* Record the patterns that end at position pos in state s (stream j's output region). */
#define EMIT(j, pos, s)                                                                        \
    do {                                                                                       \
        for (int32_t t_ = (s) / k32; t_ >= 0; t_ = link[t_]) {                                 \
            int32_t p_ = own[t_];                                                              \
            if (p_ < 0) continue;                                                              \
            if (n[j] < cap) {                                                                  \
                Py_ssize_t q_ = (pos) + 1 - plen[p_];                                          \
                if (fill) { /* count the pattern's bytes back, FILL bytes not counted */       \
                    Py_ssize_t left_ = plen[p_] - 1;                                           \
                    q_ = (pos);                                                                \
                    while (left_ > 0) {                                                        \
                        if (data[q_] != fill) left_--;                                         \
                        q_--;                                                                  \
                    }                                                                          \
                }                                                                              \
                Py_ssize_t at_ = (j) * cap + n[j];                                             \
                pid[at_] = p_;                                                                 \
                st[at_] = q_;                                                                  \
                en[at_] = (pos) + 1;                                                           \
            }                                                                                  \
            n[j]++;                                                                            \
        }                                                                                      \
    } while (0)

#define STREAMS 8
#define FILL_BYTE 0x1E /* no pattern ends on it: a state with output reached by looping on it has
                          * already been recorded */

/* The scan's steps over the STREAMS pieces: NEXT(s, byte) is the state after s on a byte. */
#define SCAN_STEPS(NEXT)                                                                              \
    do {                                                                                              \
        int32_t s0 = first, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;            \
        const uint8_t *d0 = data + bound[0], *d1 = data + bound[1], *d2 = data + bound[2];            \
        const uint8_t *d3 = data + bound[3], *d4 = data + bound[4], *d5 = data + bound[5];            \
        const uint8_t *d6 = data + bound[6], *d7 = data + bound[7];                                   \
        for (Py_ssize_t i = 0; i < shortest; i++) {                                                   \
            s0 = NEXT(s0, d0[i]);                                                                     \
            s1 = NEXT(s1, d1[i]);                                                                     \
            s2 = NEXT(s2, d2[i]);                                                                     \
            s3 = NEXT(s3, d3[i]);                                                                     \
            s4 = NEXT(s4, d4[i]);                                                                     \
            s5 = NEXT(s5, d5[i]);                                                                     \
            s6 = NEXT(s6, d6[i]);                                                                     \
            s7 = NEXT(s7, d7[i]);                                                                     \
            if (s0 < limit && d0[i] != FILL_BYTE) EMIT(0, bound[0] + i, s0);                          \
            if (s1 < limit && d1[i] != FILL_BYTE) EMIT(1, bound[1] + i, s1);                          \
            if (s2 < limit && d2[i] != FILL_BYTE) EMIT(2, bound[2] + i, s2);                          \
            if (s3 < limit && d3[i] != FILL_BYTE) EMIT(3, bound[3] + i, s3);                          \
            if (s4 < limit && d4[i] != FILL_BYTE) EMIT(4, bound[4] + i, s4);                          \
            if (s5 < limit && d5[i] != FILL_BYTE) EMIT(5, bound[5] + i, s5);                          \
            if (s6 < limit && d6[i] != FILL_BYTE) EMIT(6, bound[6] + i, s6);                          \
            if (s7 < limit && d7[i] != FILL_BYTE) EMIT(7, bound[7] + i, s7);                          \
        }                                                                                             \
        int32_t state[STREAMS] = {s0, s1, s2, s3, s4, s5, s6, s7};                                    \
        for (int j = 0; j < STREAMS; j++) { /* the rest of the longer pieces */                       \
            int32_t sj = state[j];                                                                    \
            for (Py_ssize_t i = bound[j] + shortest; i < bound[j + 1]; i++) {                         \
                sj = NEXT(sj, data[i]);                                                               \
                if (sj < limit && data[i] != FILL_BYTE) EMIT(j, i, sj);                               \
            }                                                                                         \
        }                                                                                             \
    } while (0)
#define NEXT_WIDE(s, byte) delta[(s) + classes[byte]]                /* premultiplied states */
#define NEXT_NARROW(s, byte) delta16[((s) << shift) + classes[byte]] /* state numbers */

static PyObject *scan(PyObject *self, PyObject *args) {
    Py_buffer b_data, b_classes, b_delta, b_own, b_link, b_len, b_pid, b_st, b_en, b_counts;
    Py_ssize_t k, start, n_out;
    int fill, shift = -1;
    if (!PyArg_ParseTuple(args, "y*y*y*nnny*y*y*iw*w*w*w*|i", &b_data, &b_classes, &b_delta, &k, &start,
                          &n_out, &b_own, &b_link, &b_len, &fill, &b_pid, &b_st, &b_en, &b_counts, &shift))
        return NULL;
    PyObject *result = NULL;
    if (check_size(&b_classes, 4 * 256, "classes") || check_size(&b_own, 4 * n_out, "own") ||
        check_size(&b_link, 4 * n_out, "link") || check_size(&b_st, b_pid.len, "st") ||
        check_size(&b_en, b_pid.len, "en") || check_size(&b_counts, 8 * STREAMS, "counts"))
        goto done;
    /* (the automaton's own consistency, which build_dfa guarantees, is checked cheaply here) */
    Py_ssize_t row = shift < 0 ? 4 * k : (Py_ssize_t)2 << (shift & 15); /* bytes per state */
    Py_ssize_t n_states = row > 0 ? b_delta.len / row : 0, unit = shift < 0 ? k : 1;
    if (k <= 0 || k > 257 || shift > 9 || (shift >= 0 && (k > (1 << shift) || n_states > 65536)) ||
        b_delta.len % row != 0 || start < 0 || start % unit != 0 || start / unit >= n_states ||
        n_out < 0 || n_out > n_states) {
        PyErr_SetString(PyExc_ValueError, "scan: inconsistent automaton (build it with framing._kernels.build_dfa)");
        goto done;
    }
    {
        const uint8_t *restrict data = b_data.buf;
        const int32_t *restrict classes = b_classes.buf, *restrict delta = b_delta.buf;
        const uint16_t *restrict delta16 = b_delta.buf;
        const int32_t *restrict own = b_own.buf, *restrict link = b_link.buf;
        const int64_t *restrict plen = b_len.buf;
        int64_t *restrict pid = b_pid.buf, *restrict st = b_st.buf, *restrict en = b_en.buf;
        int64_t *restrict n = b_counts.buf;
        Py_ssize_t len = b_data.len, cap = b_pid.len / 8 / STREAMS;
        int32_t limit = (int32_t)(n_out * unit), k32 = (int32_t)unit; /* (k32: EMIT's state number) */
        Py_BEGIN_ALLOW_THREADS
        /* The text is cut at NUL bytes (where every pattern search starts afresh: no pattern holds
         * NUL) into STREAMS pieces, scanned in one loop a byte of each at a time: a DFA step waits
         * for the previous one, so independent pieces keep the processor busy (4 pieces: 4x one
         * piece's speed; 8: another 12 %, measured on 5 MB of news with 2,000 terms). States are premultiplied by the number of byte classes k; the n_out
         * states with output come first. FILL bytes loop in every state (build_dfa). */
        Py_ssize_t bound[STREAMS + 1];
        bound[0] = 0;
        bound[STREAMS] = len;
        for (int j = 1; j < STREAMS; j++) {
            Py_ssize_t p = j * (len / STREAMS);
            if (p < bound[j - 1]) p = bound[j - 1];
            const uint8_t *z = p < len ? memchr(data + p, 0, len - p) : NULL;
            bound[j] = z ? z - data : len;
        }
        Py_ssize_t shortest = len;
        for (int j = 0; j < STREAMS; j++) {
            n[j] = 0;
            if (bound[j + 1] - bound[j] < shortest) shortest = bound[j + 1] - bound[j];
        }
        /* Two layouts of the same automaton (framing/_kernels.py, Dfa): int32 states premultiplied
         * by k, or, where the states fit, uint16 state numbers in rows of 2**shift (half the memory:
         * 12 % faster on 20 MB of news with 2,000 terms) */
        if (shift < 0) {
            int32_t first = (int32_t)start;
            SCAN_STEPS(NEXT_WIDE);
        } else {
            int32_t first = (int32_t)start;
            SCAN_STEPS(NEXT_NARROW);
        }
        int fits = 1;
        for (int j = 0; j < STREAMS; j++) fits &= n[j] <= cap;
        if (fits) { /* the pieces' rows one after the other from the start (the caller takes a prefix) */
            Py_ssize_t at = n[0];
            for (int j = 1; j < STREAMS; j++) {
                memmove(pid + at, pid + j * cap, n[j] * sizeof(int64_t));
                memmove(st + at, st + j * cap, n[j] * sizeof(int64_t));
                memmove(en + at, en + j * cap, n[j] * sizeof(int64_t));
                at += n[j];
            }
        }
        Py_END_ALLOW_THREADS
        Py_INCREF(Py_None);
        result = Py_None;
    }
done:
    PyBuffer_Release(&b_data); PyBuffer_Release(&b_classes); PyBuffer_Release(&b_delta);
    PyBuffer_Release(&b_own); PyBuffer_Release(&b_link); PyBuffer_Release(&b_len);
    PyBuffer_Release(&b_pid); PyBuffer_Release(&b_st); PyBuffer_Release(&b_en); PyBuffer_Release(&b_counts);
    return result;
}

/* The automaton's matches as candidate mentions, checked at their ends (the NumPy reading is
 * framing/matcher.py, CompiledMatcher._checked): match i (pattern pid[i], first byte st[i], end
 * en[i]) stands for each key of its pattern (pk_ptr/pk_keys, CSR) and each key for each of its
 * targets (ptr/tids, CSR), in that order; a candidate starts at st[i] + 1, after the pattern's
 * leading space. By the target's kind[t]: 0, kept where the byte at its end is a gap (<= 32) or
 * starts a possessive "'s" followed by a gap; 1 (final wildcard), kept with its end moved to the
 * end of the word, less a final "'s"; 2 (a tail the caller matches), kept as it is. Bytes past
 * the data read as gaps. Kept rows go to out_tid/out_start/out_end while there is room; returns
 * the number of rows kept (more than the room: call again with that much). */
static PyObject *resolve(PyObject *self, PyObject *args) {
    Py_buffer b_data, b_pid, b_st, b_en, b_pkp, b_pkk, b_ptr, b_tids, b_kind, b_ot, b_os, b_oe;
    Py_ssize_t n_hits;
    if (!PyArg_ParseTuple(args, "y*y*y*y*ny*y*y*y*y*w*w*w*", &b_data, &b_pid, &b_st, &b_en, &n_hits, &b_pkp,
                          &b_pkk, &b_ptr, &b_tids, &b_kind, &b_ot, &b_os, &b_oe))
        return NULL;
    PyObject *result = NULL;
    if (n_hits < 0 || n_hits > PY_SSIZE_T_MAX / 8) {
        PyErr_Format(PyExc_ValueError, "resolve: %zd matches: not a count of matches", n_hits);
        goto done;
    }
    if (check_size(&b_pid, 8 * n_hits, "pid") || check_size(&b_st, 8 * n_hits, "st") ||
        check_size(&b_en, 8 * n_hits, "en") || check_size(&b_os, b_ot.len, "out_start") ||
        check_size(&b_oe, b_ot.len, "out_end") ||
        check_aligned(8, 10, &b_pid, &b_st, &b_en, &b_pkp, &b_pkk, &b_ptr, &b_tids, &b_ot, &b_os, &b_oe))
        goto done;
    {
        const uint8_t *data = b_data.buf;
        const int64_t *pid = b_pid.buf, *st = b_st.buf, *en = b_en.buf;
        const int64_t *pk_ptr = b_pkp.buf, *pk_keys = b_pkk.buf, *ptr = b_ptr.buf, *tids = b_tids.buf;
        const uint8_t *kind = b_kind.buf;
        int64_t *ot = b_ot.buf, *os = b_os.buf, *oe = b_oe.buf;
        Py_ssize_t len = b_data.len, room = b_ot.len / 8, n_pat = b_pkp.len / 8 - 1, n_pkk = b_pkk.len / 8;
        Py_ssize_t n_keys = b_ptr.len / 8 - 1, n_tids = b_tids.len / 8, n_targets = b_kind.len, out = 0;
#define BYTE_AT(p) ((p) >= 0 && (p) < len ? data[p] : 0)
        for (Py_ssize_t i = 0; i < n_hits; i++) {
            int64_t p = pid[i], a = st[i] < len ? st[i] + 1 : -1, e = en[i]; /* (no overflow) */
            if (p < 0 || p >= n_pat || a < 0 || e < a || e > len || pk_ptr[p] < 0 || pk_ptr[p + 1] > n_pkk) {
                PyErr_Format(PyExc_ValueError, "resolve: match %zd (pattern %lld at %lld-%lld) is outside the tables",
                             i, (long long)p, (long long)a, (long long)e);
                goto done;
            }
            for (int64_t q = pk_ptr[p]; q < pk_ptr[p + 1]; q++) {
                int64_t key = pk_keys[q];
                if (key < 0 || key >= n_keys || ptr[key] < 0 || ptr[key + 1] > n_tids) {
                    PyErr_Format(PyExc_ValueError, "resolve: key %lld is outside the tables", (long long)key);
                    goto done;
                }
                for (int64_t r = ptr[key]; r < ptr[key + 1]; r++) {
                    int64_t t = tids[r], end = e;
                    if (t < 0 || t >= n_targets) {
                        PyErr_Format(PyExc_ValueError, "resolve: target %lld is outside the tables", (long long)t);
                        goto done;
                    }
                    if (kind[t] == 0) {
                        uint8_t c = BYTE_AT(e);
                        if (!(c <= 32 || (c == '\'' && BYTE_AT(e + 1) == 's' && BYTE_AT(e + 2) <= 32)))
                            continue;
                    } else if (kind[t] == 1) {
                        Py_ssize_t x = e;
                        while (x < len && data[x] > 32) x++;
                        end = (x >= 2 && data[x - 1] == 's' && data[x - 2] == '\'') ? x - 2 : x;
                    }
                    if (out < room) {
                        ot[out] = t;
                        os[out] = a;
                        oe[out] = end;
                    }
                    out++;
                }
            }
        }
#undef BYTE_AT
        result = PyLong_FromSsize_t(out);
    }
done:
    PyBuffer_Release(&b_data); PyBuffer_Release(&b_pid); PyBuffer_Release(&b_st); PyBuffer_Release(&b_en);
    PyBuffer_Release(&b_pkp); PyBuffer_Release(&b_pkk); PyBuffer_Release(&b_ptr); PyBuffer_Release(&b_tids);
    PyBuffer_Release(&b_kind); PyBuffer_Release(&b_ot); PyBuffer_Release(&b_os); PyBuffer_Release(&b_oe);
    return result;
}

/* Leftmost-longest selection (framing/matcher.py, _longest, whose NumPy reading is the reference):
 * rows taken in ``order`` (sorted by group, start and decreasing length; rows with the same group
 * and span are put in target order here), a row is kept when it starts at or after the end of the
 * last row kept in its group, or has that row's span; of the rows kept with one span, the first is
 * kept, or, for targets with multi[t] set, the first of each category cat_of[t]. Kept rows go to
 * the out arrays in that order; returns how many. */
static PyObject *longest(PyObject *self, PyObject *args) {
    Py_buffer b_ord, b_doc, b_grp, b_st, b_en, b_tid, b_cat, b_multi, b_od, b_os, b_oe, b_ot;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*y*y*w*w*w*w*", &b_ord, &b_doc, &b_grp, &b_st, &b_en, &b_tid, &b_cat,
                          &b_multi, &b_od, &b_os, &b_oe, &b_ot))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t n = b_ord.len / 8, *ord = NULL, *cs = NULL;
    if (check_size(&b_doc, 8 * n, "doc") || check_size(&b_grp, 8 * n, "group") || check_size(&b_st, 8 * n, "start") ||
        check_size(&b_en, 8 * n, "end") || check_size(&b_tid, 8 * n, "tid") || check_size(&b_od, 8 * n, "out_doc") ||
        check_size(&b_os, 8 * n, "out_start") || check_size(&b_oe, 8 * n, "out_end") ||
        check_size(&b_ot, 8 * n, "out_tid") || check_size(&b_multi, b_cat.len / 8, "multi") ||
        check_aligned(8, 11, &b_ord, &b_doc, &b_grp, &b_st, &b_en, &b_tid, &b_cat, &b_od, &b_os, &b_oe, &b_ot))
        goto done;
    ord = PyMem_New(Py_ssize_t, n > 0 ? n : 1);
    cs = PyMem_New(Py_ssize_t, n > 0 ? n : 1);
    if (ord == NULL || cs == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    {
        const int64_t *order = b_ord.buf, *doc = b_doc.buf, *grp = b_grp.buf, *st = b_st.buf, *en = b_en.buf;
        const int64_t *tid = b_tid.buf, *cat = b_cat.buf;
        const uint8_t *multi = b_multi.buf;
        int64_t *od = b_od.buf, *os = b_os.buf, *oe = b_oe.buf, *ot = b_ot.buf;
        Py_ssize_t n_targets = b_cat.len / 8;
        for (Py_ssize_t i = 0; i < n; i++) {
            ord[i] = order[i];
            if (ord[i] < 0 || ord[i] >= n || tid[ord[i]] < 0 || tid[ord[i]] >= n_targets) {
                PyErr_Format(PyExc_ValueError, "longest: row %zd is outside the arrays", i);
                goto done;
            }
        }
#define SAME_SPAN(x, y) (grp[x] == grp[y] && st[x] == st[y] && en[x] == en[y])
        for (Py_ssize_t i = 0; i < n;) { /* rows of one group and span: in target order (few) */
            Py_ssize_t j = i + 1;
            while (j < n && SAME_SPAN(ord[j], ord[i])) j++;
            for (Py_ssize_t a = i + 1; a < j; a++) {
                Py_ssize_t r = ord[a], b = a;
                for (; b > i && tid[ord[b - 1]] > tid[r]; b--) ord[b] = ord[b - 1];
                ord[b] = r;
            }
            i = j;
        }
        Py_ssize_t out = 0, block = 0, last = -1;
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_ssize_t r = ord[i];
            int same = last >= 0 && SAME_SPAN(r, last);
            if (!same && last >= 0 && grp[r] == grp[last] && st[r] < en[last]) continue; /* overlaps */
            if (!same) {
                last = r;
                block = out;
            }
            int64_t t = tid[r];
            if (multi[t] && (cat[t] < 0 || cat[t] >= PY_SSIZE_T_MAX)) {
                PyErr_Format(PyExc_ValueError, "longest: category %lld of target %lld", (long long)cat[t], (long long)t);
                goto done;
            }
            Py_ssize_t c = multi[t] ? cat[t] + 1 : 0, k = block;
            while (k < out && cs[k] != c) k++;
            if (k < out) continue; /* this span has a row of that category (or of no category) */
            cs[out] = c;
            od[out] = doc[r];
            os[out] = st[r];
            oe[out] = en[r];
            ot[out] = t;
            out++;
        }
#undef SAME_SPAN
        result = PyLong_FromSsize_t(out);
    }
done:
    PyMem_Free(ord);
    PyMem_Free(cs);
    PyBuffer_Release(&b_ord); PyBuffer_Release(&b_doc); PyBuffer_Release(&b_grp); PyBuffer_Release(&b_st);
    PyBuffer_Release(&b_en); PyBuffer_Release(&b_tid); PyBuffer_Release(&b_cat); PyBuffer_Release(&b_multi);
    PyBuffer_Release(&b_od); PyBuffer_Release(&b_os); PyBuffer_Release(&b_oe); PyBuffer_Release(&b_ot);
    return result;
}

/* Word tokens of text[start:end]: what re.finditer(r"\w+(?:[A]\w+)*", text, start, end) finds, A
 * being the characters of ``apostrophes``; a word character is what re's \w is for str
 * (Py_UNICODE_ISALNUM or "_"), less U+02BC and U+02B9. Appended to the list ``tokens`` as (start,
 * end) tuples; returns ``tokens``. (tokens_of, below, appends them as lists of starts and ends, with their words.) */
/* (ASCII from a table: Py_UNICODE_ISALNUM is four calls into the Unicode database for a character
 * that is none of alpha, decimal, digit and numeric, i.e. for every space and punctuation mark) */
static const uint8_t ascii_word[128] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,
    ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
    ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['_'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1,
    ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
    ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};
/* (U+02BC and U+02B9, letters to Unicode, are apostrophes here: framing/text.py, _WORD_RE) */
static inline int is_word_char(Py_UCS4 ch) {
    return ch < 128 ? ascii_word[ch] : Py_UNICODE_ISALNUM(ch) && ch != 0x2BC && ch != 0x2B9;
}


/* The characters of a str as a set: the ASCII ones as bits, so that an ASCII character (most of
 * them) is looked up without reading the str. Tokens are joined by the apostrophes, whose set
 * rules out the character after nearly every token (a space, where a word follows): reading the
 * str for it was a tenth of tokenising; the rules look up every character of the gaps between
 * tokens in sets of punctuation (PyUnicode_FindChar for each was 2 % of score). The str must
 * outlive the set (an argument of the call, or held in one). */
typedef struct {
    uint64_t lo, hi; /* bit c: character c (lo) or 64 + c (hi) is one */
    int high, akind; /* high: some are not ASCII */
    const void *adata;
    Py_ssize_t na;
} charset;

static charset charset_of(PyObject *str) {
    charset a = {0, 0, 0, PyUnicode_KIND(str), PyUnicode_DATA(str), PyUnicode_GET_LENGTH(str)};
    for (Py_ssize_t k = 0; k < a.na; k++) {
        Py_UCS4 c = PyUnicode_READ(a.akind, a.adata, k);
        if (c < 64) a.lo |= (uint64_t)1 << c;
        else if (c < 128) a.hi |= (uint64_t)1 << (c - 64);
        else a.high = 1;
    }
    return a;
}

FORCE_INLINE int in_charset(const charset *a, Py_UCS4 c) {
    if (c < 64) return (int)((a->lo >> c) & 1);
    if (c < 128) return (int)((a->hi >> (c - 64)) & 1);
    if (!a->high) return 0;
    for (Py_ssize_t k = 0; k < a->na; k++)
        if (PyUnicode_READ(a->akind, a->adata, k) == c) return 1;
    return 0;
}

/* End of the word token that starts at i (a word character), not reading at or past ``end``: runs of
 * word characters joined by one of the apostrophes of ap. With wide, *wide tells whether the token
 * has a word character that is not ASCII: a token without one is made of ASCII word characters and
 * apostrophes, which token_in_marks then need not read again (that second reading was a tenth of
 * tokenising); callers that pass NULL get a copy without the test. */
FORCE_INLINE Py_ssize_t token_end(int kind, const void *data, Py_ssize_t i, Py_ssize_t end, const charset *ap,
                                  int *wide) {
    int w = PyUnicode_READ(kind, data, i) >= 128;
    i++;
    for (;;) {
        Py_UCS4 c = 0;
        for (; i < end; i++) { /* (ASCII from the table, the rest by is_word_char: only those set w) */
            c = PyUnicode_READ(kind, data, i);
            if (c < 128) {
                if (!ascii_word[c]) break;
            } else if (is_word_char(c)) {
                w = 1;
            } else {
                break;
            }
        }
        if (i + 1 >= end || !in_charset(ap, c) || !is_word_char(c = PyUnicode_READ(kind, data, i + 1))) break;
        w |= c >= 128;
        i += 2; /* the apostrophe and the word character after it */
    }
    if (wide != NULL) *wide = w;
    return i;
}

/* The word tokens of text[start:end] one by one (word_spans, tokens_of). */
typedef struct {
    int kind;
    const void *data;
    Py_ssize_t end;
    charset ap;
} tok_reader;

static tok_reader tok_reader_of(PyObject *text, PyObject *apos, Py_ssize_t *start, Py_ssize_t end) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (*start < 0) *start = 0;
    tok_reader r = {PyUnicode_KIND(text), PyUnicode_DATA(text), end > n ? n : end, charset_of(apos)};
    return r;
}

/* The next token at or after i: its start into *s, its end returned (and *wide, as token_end's);
 * -1: none before the end. */
FORCE_INLINE Py_ssize_t next_token(const tok_reader *r, Py_ssize_t i, Py_ssize_t *s, int *wide) {
    while (i < r->end && !is_word_char(PyUnicode_READ(r->kind, r->data, i))) i++;
    if (i >= r->end) return -1;
    *s = i;
    return token_end(r->kind, r->data, i, r->end, &r->ap, wide);
}

/* Words and offsets shared between tokens. tokens_of makes a word and two offsets for every token of
 * the sentences around mentions (3.3 million tokens in 20 MB of news), and a new object for each was
 * half of its time: most tokens are a few hundred common words, and a text's offsets, a few
 * thousand, recur from text to text. So a word of up to WORD_MAX_LEN characters is kept in a
 * direct-mapped table of WORD_SLOTS strings by a hash of its characters, and a token whose word is
 * there gets that same str (whose hash is already known to the set lookups of the rules); the ints
 * below OFFSET_INTS are made once and kept, as CPython keeps those below 257. Both tables hold
 * immutable objects only, and a reference of their own to each. */
#define WORD_SLOTS 4096
#define WORD_MAX_LEN 24
#define OFFSET_INTS 65536
static PyObject *word_slots[WORD_SLOTS];
static PyObject *offset_ints[OFFSET_INTS];

/* An offset from an int (or an object with __index__, e.g. a NumPy integer): values beyond
 * Py_ssize_t are clamped (no text is that long), as PyNumber_AsSsize_t(o, NULL) does; -1 with an
 * exception set on error. An int is read directly (the generic path was 2 % of score's
 * instructions: a million calls per 2 MB), and without touching an error already set (a caller
 * that reads two offsets before it checks must see the first one's). */
static Py_ssize_t as_offset(PyObject *o) {
    if (PyLong_CheckExact(o)) {
        int overflow;
        long long v = PyLong_AsLongLongAndOverflow(o, &overflow); /* (sets no error for an int) */
        if (overflow != 0 || v > PY_SSIZE_T_MAX || v < PY_SSIZE_T_MIN)
            return overflow > 0 || v > 0 ? PY_SSIZE_T_MAX : PY_SSIZE_T_MIN;
        return (Py_ssize_t)v;
    }
    return PyNumber_AsSsize_t(o, NULL);
}

static PyObject *offset_int(Py_ssize_t v) { /* int(v), a new reference */
    if (v < 0 || v >= OFFSET_INTS) return PyLong_FromSsize_t(v);
    PyObject *o = offset_ints[v];
    if (o == NULL && (o = offset_ints[v] = PyLong_FromSsize_t(v)) == NULL) return NULL;
    Py_INCREF(o);
    return o;
}

/* (a, b), a new reference: two ints of offset_int in a tuple (Py_BuildValue reads its format
 * string on every call: a tenth of splitting a text into sentences went into it) */
static PyObject *pair_of(Py_ssize_t a, Py_ssize_t b) {
    PyObject *x = offset_int(a), *y = x != NULL ? offset_int(b) : NULL, *t = y != NULL ? PyTuple_New(2) : NULL;
    if (t == NULL) {
        Py_XDECREF(x);
        Py_XDECREF(y);
        return NULL;
    }
    PyTuple_SET_ITEM(t, 0, x);
    PyTuple_SET_ITEM(t, 1, y);
    return t;
}

/* The word of the token text[s:e] into out (e - s bytes), and its FNV-1a hash into *h, when the
 * token's characters are ASCII word characters and apostrophes: ASCII lower-cased and every
 * apostrophe (of r's, "`" too) "'", as str.lower and framing.voice's apostrophes make it (no ASCII
 * letter's lower case depends on its neighbours): 1; 0 for a token with any other character. */
FORCE_INLINE int ascii_word_into(const tok_reader *r, Py_ssize_t s, Py_ssize_t e, Py_UCS1 *out, uint32_t *h) {
    uint32_t x = 2166136261u;
    for (Py_ssize_t k = s; k < e; k++) {
        Py_UCS4 c = PyUnicode_READ(r->kind, r->data, k);
        Py_UCS1 b;
        if (c < 128 && ascii_word[c]) { /* (a token's characters: word characters and the apostrophes) */
            b = (Py_UCS1)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        } else {
            if (!in_charset(&r->ap, c)) return 0; /* (any of them, "`" too: the rules read every one as "'") */
            b = '\'';
        }
        out[k - s] = b;
        x = (x ^ b) * 16777619u;
    }
    *h = x;
    return 1;
}

/* The str of the ASCII bytes w[0:n] (n <= WORD_MAX_LEN), whose FNV-1a hash is h, from word_slots:
 * a new reference. */
static PyObject *slot_str(const Py_UCS1 *w, Py_ssize_t n, uint32_t h) {
    PyObject **slot = &word_slots[(h ^ (h >> 16)) & (WORD_SLOTS - 1)];
    if (*slot != NULL && PyUnicode_GET_LENGTH(*slot) == n && memcmp(PyUnicode_1BYTE_DATA(*slot), w, (size_t)n) == 0) {
        Py_INCREF(*slot);
        return *slot;
    }
    PyObject *str = PyUnicode_New(n, 127);
    if (str == NULL) return NULL;
    memcpy(PyUnicode_1BYTE_DATA(str), w, (size_t)n);
    Py_INCREF(str);
    Py_XSETREF(*slot, str); /* (the str it replaces, if any, runs no Python code when freed) */
    return str;
}

/* The word of the token text[s:e] (ascii_word_into) as a str, a new reference; None (a new
 * reference) for a token with any other character. A short word comes from word_slots (above). */
FORCE_INLINE PyObject *ascii_word_of(const tok_reader *r, Py_ssize_t s, Py_ssize_t e) {
    Py_UCS1 small[WORD_MAX_LEN];
    PyObject *w = NULL;
    Py_UCS1 *out = small;
    if (e - s > WORD_MAX_LEN) { /* (a long word: made, not looked up) */
        if ((w = PyUnicode_New(e - s, 127)) == NULL) return NULL;
        out = PyUnicode_1BYTE_DATA(w);
    }
    uint32_t h;
    if (!ascii_word_into(r, s, e, out, &h)) {
        Py_XDECREF(w);
        Py_RETURN_NONE;
    }
    if (w != NULL) return w;
    return slot_str(small, e - s, h);
}

/* The word of the token text[s:e] (a new reference; NULL: error): ascii_word_of, else low(s, e),
 * which must return a str (framing.voice._Words). The caller checks 0 <= s <= e <= len(text). */
static PyObject *word_at(PyObject *text, const charset *ap, PyObject *low, Py_ssize_t s, Py_ssize_t e) {
    tok_reader r = {PyUnicode_KIND(text), PyUnicode_DATA(text), e, *ap};
    PyObject *w = ascii_word_of(&r, s, e);
    if (w == Py_None) {
        Py_DECREF(w);
        w = PyObject_CallFunction(low, "nn", s, e);
        if (w != NULL && !PyUnicode_CheckExact(w)) { /* (a subclass could run Python code in set lookups) */
            PyErr_SetString(PyExc_TypeError, "low(start, end) must return a str");
            Py_CLEAR(w);
        }
    }
    return w;
}

static PyObject *word_spans(PyObject *self, PyObject *args) {
    PyObject *text, *apos, *out;
    Py_ssize_t start, end;
    if (!PyArg_ParseTuple(args, "UnnUO!", &text, &start, &end, &apos, &PyList_Type, &out)) return NULL;
    tok_reader r = tok_reader_of(text, apos, &start, end);
    Py_ssize_t s, i = start;
    while ((i = next_token(&r, i, &s, NULL)) >= 0) {
        PyObject *t = pair_of(s, i);
        if (t == NULL || PyList_Append(out, t) < 0) { Py_XDECREF(t); return NULL; }
        Py_DECREF(t);
    }
    Py_INCREF(out);
    return out;
}

/* tokens_of(text, start, end, apostrophes, starts, ends[, low, words, first, marks, hits]) -> None:
 * the tokens of word_spans appended to two lists of offsets, ``starts`` and ``ends`` (no tuple
 * per token); with ``low`` (the text lower-cased, as long as it) and the list ``words``, each
 * token's span of ``low`` to ``words``; with the dict ``first`` and start > 0, first[len(starts)] is
 * set first to the end of the last token before start (-1: none); with the set ``marks`` and the
 * list ``hits`` (and ``low``), the index of every token whose word is in ``marks`` to ``hits``.
 * None for any of the optional ones: not done. */
/* A filter before tokens_of's set lookup of each word in ``marks``: a bit per (length mod 16,
 * first and last byte) of the set's ASCII words, so that a word whose bit is clear is not hashed
 * and looked up (the marks are a few hundred words; most words of a text miss them, and their hash
 * was a tenth of tokens_of). The bitmap of a frozenset is made once and kept (with a reference to
 * the set) in one of MARK_SLOTS slots; it is an immutable bytes object, and a call holds its own
 * reference to it, so that a slot taken over meanwhile (by the ``low`` callable, or another
 * thread) never changes or frees the bitmap a call is reading. A mutable set, or one holding
 * anything but exact str, gets no filter (every word is looked up).
 * After the bitmap, the same bytes hold the set's ASCII words of up to MARK_WORD_LEN characters as
 * a hash table (a uint32 count of slots, a power of two, then slots of MARK_WORD_LEN + 1 bytes: the
 * length, 0 for none, and the characters; linear probing from the FNV-1a hash of ascii_word_of), so
 * that a token whose word is ASCII is found in the marks or not without making its word: where a
 * _Doc keeps no words, a word made and looked up for each token that passed the bitmap (one in
 * six of news text) was a third of tokenising. */
#define MARK_BITS (1 << 18)
#define MARK_SLOTS 8
#define MARK_WORD_LEN 31
static struct {
    PyObject *owner, *bits; /* the frozenset, its bitmap and table (bytes); bits None: no filter */
} mark_cache[MARK_SLOTS];
static int mark_next; /* the slot taken next */

static size_t mark_key_of(Py_ssize_t len, Py_UCS1 first, Py_UCS1 last) { /* a word's bit in the bitmap */
    return ((size_t)(len & 15) << 14) | ((size_t)(first & 127) << 7) | (size_t)(last & 127);
}

static size_t mark_key(const Py_UCS1 *w, Py_ssize_t len) { return mark_key_of(len, w[0], w[len - 1]); }

/* The bitmap of marks (a new reference to a bytes object), Py_None (a new reference) for no filter,
 * NULL on error. */
static PyObject *mark_filter_for(PyObject *marks) {
    for (int k = 0; k < MARK_SLOTS; k++)
        if (mark_cache[k].owner == marks) {
            Py_INCREF(mark_cache[k].bits);
            return mark_cache[k].bits;
        }
    if (!PyFrozenSet_CheckExact(marks)) Py_RETURN_NONE;
    PyObject *items = PySequence_Tuple(marks), *bits = NULL; /* (a frozenset's items: no Python code runs) */
    if (items == NULL) return NULL;
    Py_ssize_t n_items = PyTuple_GET_SIZE(items);
    uint32_t n_slots = 16;
    while (n_slots < 4 * (uint64_t)n_items && n_slots < (1u << 30)) n_slots *= 2;
    size_t table_at = MARK_BITS / 8, slots_at = table_at + sizeof(uint32_t);
    bits = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(slots_at + (size_t)n_slots * (MARK_WORD_LEN + 1)));
    if (bits == NULL) {
        Py_DECREF(items);
        return NULL;
    }
    uint8_t *map = (uint8_t *)PyBytes_AS_STRING(bits), *slots = map + slots_at;
    memset(map, 0, (size_t)PyBytes_GET_SIZE(bits));
    memcpy(map + table_at, &n_slots, sizeof(uint32_t));
    int usable = 1;
    for (Py_ssize_t j = 0; j < n_items; j++) {
        PyObject *item = PyTuple_GET_ITEM(items, j);
        if (!PyUnicode_CheckExact(item)) usable = 0;
        else if (PyUnicode_IS_ASCII(item) && PyUnicode_GET_LENGTH(item) > 0) {
            const Py_UCS1 *w = PyUnicode_1BYTE_DATA(item);
            Py_ssize_t len = PyUnicode_GET_LENGTH(item);
            size_t key = mark_key(w, len);
            map[key >> 3] |= (uint8_t)(1u << (key & 7));
            if (len <= MARK_WORD_LEN) { /* (a longer token is looked up in the set) */
                uint32_t h = 2166136261u;
                for (Py_ssize_t k = 0; k < len; k++) h = (h ^ w[k]) * 16777619u;
                uint32_t at = (h ^ (h >> 16)) & (n_slots - 1);
                while (slots[(size_t)at * (MARK_WORD_LEN + 1)] != 0) at = (at + 1) & (n_slots - 1);
                slots[(size_t)at * (MARK_WORD_LEN + 1)] = (uint8_t)len;
                memcpy(slots + (size_t)at * (MARK_WORD_LEN + 1) + 1, w, (size_t)len);
            }
        } /* (a word of other characters never equals a word of ASCII ones, which alone are filtered) */
    }
    Py_DECREF(items);
    if (!usable) Py_SETREF(bits, (Py_INCREF(Py_None), Py_None));
    int k = mark_next;
    mark_next = (mark_next + 1) % MARK_SLOTS;
    PyObject *old_owner = mark_cache[k].owner, *old_bits = mark_cache[k].bits;
    Py_INCREF(marks);
    Py_INCREF(bits);
    mark_cache[k].owner = marks;
    mark_cache[k].bits = bits;
    Py_XDECREF(old_owner); /* (after the slot is set: freeing may run Python code) */
    Py_XDECREF(old_bits);
    return bits;
}

static int mark_may_hold(const uint8_t *map, PyObject *w) { /* 0: w is not in the marks of map */
    if (map == NULL || !PyUnicode_IS_ASCII(w) || PyUnicode_GET_LENGTH(w) == 0) return 1;
    size_t key = mark_key(PyUnicode_1BYTE_DATA(w), PyUnicode_GET_LENGTH(w));
    return (map[key >> 3] >> (key & 7)) & 1;
}

/* Whether the ASCII word w[0:n] (0 < n <= MARK_WORD_LEN), whose FNV-1a hash is h, is in the table
 * of the marks' filter map (mark_filter_for): 1 or 0. */
FORCE_INLINE int marks_table_holds(const uint8_t *map, const Py_UCS1 *w, Py_ssize_t n, uint32_t h) {
    uint32_t n_slots;
    memcpy(&n_slots, map + MARK_BITS / 8, sizeof(uint32_t));
    const uint8_t *slots = map + MARK_BITS / 8 + sizeof(uint32_t);
    for (uint32_t at = (h ^ (h >> 16)) & (n_slots - 1);; at = (at + 1) & (n_slots - 1)) {
        const uint8_t *slot = slots + (size_t)at * (MARK_WORD_LEN + 1);
        if (slot[0] == 0) return 0;
        if (slot[0] == n && memcmp(slot + 1, w, (size_t)n) == 0) return 1;
    }
}

/* Whether the ASCII word w[0:n] is in the frozenset of str words: from its filter (mark_filter_for:
 * a lookup in the set, for a str made of the word, cost twenty times as much, and sentence
 * splitting looks an abbreviation up for every word before a full stop), else from the set
 * itself; 1, 0, -1 on error */
/* ascii_word_in with the filter of words already made (bits: mark_filter_for's, or None) */
static int ascii_word_in_bits(PyObject *bits, PyObject *words, const Py_UCS1 *w, Py_ssize_t n) {
    if (bits != Py_None && n > 0 && n <= MARK_WORD_LEN) {
        const uint8_t *map = (const uint8_t *)PyBytes_AS_STRING(bits);
        size_t key = mark_key(w, n);
        if (!((map[key >> 3] >> (key & 7)) & 1)) return 0;
        uint32_t h = 2166136261u;
        for (Py_ssize_t k = 0; k < n; k++) h = (h ^ w[k]) * 16777619u;
        return marks_table_holds(map, w, n, h);
    }
    PyObject *str = PyUnicode_FromStringAndSize((const char *)w, n);
    int in = str == NULL ? -1 : PySet_Contains(words, str);
    Py_XDECREF(str);
    return in;
}

static int ascii_word_in(PyObject *words, const Py_UCS1 *w, Py_ssize_t n) {
    PyObject *bits = n > 0 && n <= MARK_WORD_LEN ? mark_filter_for(words) : (Py_INCREF(Py_None), Py_None);
    if (bits == NULL) return -1;
    int in = ascii_word_in_bits(bits, words, w, n);
    Py_DECREF(bits);
    return in;
}

/* Whether the word of the token text[s:e] (as ascii_word_of makes it) is in the marks of map (the
 * bitmap and table of mark_filter_for), read from the token's characters without making the word,
 * for a token whose word characters are ASCII (token_end tells; its other characters are
 * apostrophes): 1 yes, 0 no; -1 where the table cannot tell (a word longer than MARK_WORD_LEN):
 * the word is then made and looked up. */
FORCE_INLINE int token_in_marks(const tok_reader *r, Py_ssize_t s, Py_ssize_t e, const uint8_t *map) {
    Py_ssize_t n = e - s;
    if (n > MARK_WORD_LEN) return -1;
    /* The bitmap first, from the token's length and its first and last characters (ASCII word
     * characters, lower-cased as in its word), before the word is made and hashed: five tokens in
     * six stop there (the hash's multiplications, one per character, were a quarter of
     * tokenising) */
    Py_UCS4 c0 = PyUnicode_READ(r->kind, r->data, s), c1 = PyUnicode_READ(r->kind, r->data, e - 1);
    size_t key = mark_key_of(n, (Py_UCS1)(c0 >= 'A' && c0 <= 'Z' ? c0 + 32 : c0),
                              (Py_UCS1)(c1 >= 'A' && c1 <= 'Z' ? c1 + 32 : c1));
    if (!((map[key >> 3] >> (key & 7)) & 1)) return 0;
    Py_UCS1 w[MARK_WORD_LEN];
    uint32_t h;
    if (!ascii_word_into(r, s, e, w, &h)) return -1;
    return marks_table_holds(map, w, n, h);
}

/* The arrays that token_table and attributions keep from call to call (pools) are freed after a
 * call that grew them beyond this many tokens (16 bytes each): a text of a million words does not
 * keep them for the life of the process. */
#define POOL_KEEP_TOKENS 65536

/* Token offsets as they are found: two growing C arrays (a _Doc's table, or the lists of
 * tokens_of filled from them at the end). */
typedef struct {
    Py_ssize_t *s, *e;
    Py_ssize_t n, cap;
} tokbuf;

static int tokbuf_grow(tokbuf *tb) { /* twice the room: 0, -1 (MemoryError) */
    Py_ssize_t cap = tb->cap ? 2 * tb->cap : 256;
    Py_ssize_t *s = PyMem_Resize(tb->s, Py_ssize_t, cap);
    if (s == NULL) { PyErr_NoMemory(); return -1; }
    tb->s = s;
    Py_ssize_t *e = PyMem_Resize(tb->e, Py_ssize_t, cap);
    if (e == NULL) { PyErr_NoMemory(); return -1; }
    tb->e = e;
    tb->cap = cap;
    return 0;
}

/* (inlined, the growing apart: a call per token was an eighth of tokenising) */
FORCE_INLINE int tokbuf_push(tokbuf *tb, Py_ssize_t a, Py_ssize_t b) { /* 0, -1 (MemoryError) */
    if (tb->n == tb->cap && tokbuf_grow(tb) < 0) return -1;
    tb->s[tb->n] = a;
    tb->e[tb->n++] = b;
    return 0;
}

static void tokbuf_free(tokbuf *tb) {
    PyMem_Free(tb->s);
    PyMem_Free(tb->e);
}

/* tokens_of's work on one span [start, end) of text, the arguments checked by tokens_args: the
 * tokens to tb, token k of tb being token base + k of the caller's (for hits and first); 0, -1 on
 * error */
FORCE_INLINE int tokens_span_of(int kind, PyObject *text, PyObject *apos, Py_ssize_t start, Py_ssize_t end,
                                tokbuf *tb, Py_ssize_t base, PyObject *low, PyObject *words, PyObject *first,
                                PyObject *marks, PyObject *hits, const uint8_t *map) {
    /* (with low and words None: the hits alone, words made only where the marks' filter lets a
     * word through, and not kept: a _Doc's words are made when read) */
    int with_low = low != Py_None, lazy = with_low && PyCallable_Check(low), keep = with_low && words != Py_None;
    if (first != Py_None && start > 0) { /* first[index of the next token] = end of the last token before start, -1: none */
        if (!PyDict_Check(first)) {
            PyErr_SetString(PyExc_TypeError, "tokens_of: first must be a dict");
            return -1;
        }
        Py_ssize_t k = (start < PyUnicode_GET_LENGTH(text) ? start : PyUnicode_GET_LENGTH(text)) - 1;
        while (k >= 0 && !is_word_char(PyUnicode_READ_CHAR(text, k))) k--;
        PyObject *key = PyLong_FromSsize_t(base + tb->n), *value = PyLong_FromSsize_t(k >= 0 ? k + 1 : -1);
        int bad = key == NULL || value == NULL || PyDict_SetItem(first, key, value) < 0;
        Py_XDECREF(key);
        Py_XDECREF(value);
        if (bad) return -1;
    }
    tok_reader r = tok_reader_of(text, apos, &start, end);
    r.kind = kind; /* (the same, but a constant in each copy) */
    Py_ssize_t s, i = start;
    int wide;
    while ((i = next_token(&r, i, &s, &wide)) >= 0) {
        Py_ssize_t index = base + tb->n; /* (this token's, before it is added) */
        if (tokbuf_push(tb, s, i) < 0) return -1;
        int bad;
        if (!keep && lazy && map != NULL) { /* hits alone, the word ASCII: from the marks' table, no word made */
            int in = wide ? -1 : token_in_marks(&r, s, i, map);
            if (in == 1) {
                PyObject *k = offset_int(index);
                bad = k == NULL || PyList_Append(hits, k) < 0;
                Py_XDECREF(k);
                if (bad) return -1;
            }
            if (in >= 0) continue;
        }
        if (keep || (with_low && marks != Py_None)) {
            PyObject *w = lazy ? ascii_word_of(&r, s, i) : PyUnicode_Substring(low, s, i);
            if (w == Py_None) { /* (a character other than ASCII and apostrophes: the caller's word) */
                Py_DECREF(w);
                w = PyObject_CallFunction(low, "nn", s, i);
                if (w != NULL && !PyUnicode_Check(w)) {
                    PyErr_SetString(PyExc_TypeError, "tokens_of: low(start, end) must return a str");
                    Py_CLEAR(w);
                }
            }
            bad = w == NULL || (keep && PyList_Append(words, w) < 0);
            if (!bad && marks != Py_None) { /* hits: the index of every token whose word is in marks */
                int in = mark_may_hold(map, w) ? PySet_Contains(marks, w) : 0;
                PyObject *k = in > 0 ? PyLong_FromSsize_t(index) : NULL;
                bad = in < 0 || (in > 0 && (k == NULL || PyList_Append(hits, k) < 0));
                Py_XDECREF(k);
            }
            Py_XDECREF(w);
            if (bad) return -1;
        }
    }
    return 0;
}

/* tokens_span_of for the kind of text: one copy of the loops for each kind of str */
static int tokens_span(PyObject *text, PyObject *apos, Py_ssize_t start, Py_ssize_t end, tokbuf *tb, Py_ssize_t base,
                       PyObject *low, PyObject *words, PyObject *first, PyObject *marks, PyObject *hits,
                       const uint8_t *map) {
    switch (PyUnicode_KIND(text)) {
        case PyUnicode_1BYTE_KIND:
            return tokens_span_of(PyUnicode_1BYTE_KIND, text, apos, start, end, tb, base, low, words, first, marks,
                                  hits, map);
        case PyUnicode_2BYTE_KIND:
            return tokens_span_of(PyUnicode_2BYTE_KIND, text, apos, start, end, tb, base, low, words, first, marks,
                                  hits, map);
        default:
            return tokens_span_of(PyUnicode_4BYTE_KIND, text, apos, start, end, tb, base, low, words, first, marks,
                                  hits, map);
    }
}

/* The tokens of tb appended to the lists starts and ends (ints): 0, -1 on error */
static int tokbuf_to_lists(const tokbuf *tb, PyObject *starts, PyObject *ends) {
    for (Py_ssize_t k = 0; k < tb->n; k++) {
        PyObject *a = offset_int(tb->s[k]), *b = offset_int(tb->e[k]);
        int bad = a == NULL || b == NULL || PyList_Append(starts, a) < 0 || PyList_Append(ends, b) < 0;
        Py_XDECREF(a);
        Py_XDECREF(b);
        if (bad) return -1;
    }
    return 0;
}

/* The checks of tokens_of's optional arguments; the marks' filter (mark_filter_for; a new reference,
 * None for no filter) into *bits. */
static int tokens_args(PyObject *text, PyObject *low, PyObject *words, PyObject *first, PyObject *marks, PyObject *hits,
                       PyObject **bits) {
    int with_low = low != Py_None, lazy = with_low && PyCallable_Check(low);
    if (with_low && ((!lazy && (!PyUnicode_Check(low) || PyUnicode_GET_LENGTH(low) != PyUnicode_GET_LENGTH(text))) ||
                     !(PyList_Check(words) || (words == Py_None && marks != Py_None)))) {
        PyErr_SetString(PyExc_TypeError,
                        "tokens_of: low must be a str as long as text (or a callable), words a list (or None with marks)");
        return -1;
    }
    if (marks != Py_None && (!with_low || !PyAnySet_Check(marks) || !PyList_Check(hits))) {
        PyErr_SetString(PyExc_TypeError, "tokens_of: marks must be a set and hits a list, with low");
        return -1;
    }
    if (marks == Py_None) {
        Py_INCREF(Py_None);
        *bits = Py_None;
    } else {
        *bits = mark_filter_for(marks);
    }
    return *bits == NULL ? -1 : 0;
}

static PyObject *tokens_of(PyObject *self, PyObject *args) {
    PyObject *text, *apos, *starts, *ends, *low = Py_None, *words = Py_None, *first = Py_None;
    PyObject *marks = Py_None, *hits = Py_None;
    Py_ssize_t start, end;
    PyObject *bits;
    if (!PyArg_ParseTuple(args, "UnnUO!O!|OOOOO", &text, &start, &end, &apos, &PyList_Type, &starts,
                          &PyList_Type, &ends, &low, &words, &first, &marks, &hits))
        return NULL;
    if (tokens_args(text, low, words, first, marks, hits, &bits) < 0) return NULL;
    tokbuf tb = {NULL, NULL, 0, 0};
    int bad = tokens_span(text, apos, start, end, &tb, PyList_GET_SIZE(starts), low, words, first, marks, hits,
                          bits == Py_None ? NULL : (const uint8_t *)PyBytes_AS_STRING(bits)) < 0 ||
              tokbuf_to_lists(&tb, starts, ends) < 0;
    Py_DECREF(bits);
    tokbuf_free(&tb);
    if (bad) return NULL;
    Py_RETURN_NONE;
}

/* tokens_of for each (start, end) of the list spans in turn, into tb (token k of tb being token
 * base + k): 0, -1 on error. *ordered (unless NULL): 1 when each span starts at or after the ends
 * of those before it, so that each token starts at or after the end of the one before (a span's
 * tokens lie within it, in order), else 0. */
static int tokens_of_spans(PyObject *text, PyObject *spans, PyObject *apos, tokbuf *tb, Py_ssize_t base, PyObject *low,
                           PyObject *words, PyObject *first, PyObject *marks, PyObject *hits, int *ordered) {
    PyObject *own = PySequence_Tuple(spans); /* (a copy: the low callable could change the caller's list) */
    if (own == NULL) return -1;
    PyObject *bits;
    if (tokens_args(text, low, words, first, marks, hits, &bits) < 0) {
        Py_DECREF(own);
        return -1;
    }
    const uint8_t *map = bits == Py_None ? NULL : (const uint8_t *)PyBytes_AS_STRING(bits);
    int bad = 0, in_order = 1;
    Py_ssize_t reached = PY_SSIZE_T_MIN; /* the greatest end of the spans so far */
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(own); k++) {
        PyObject *sp = PyTuple_GET_ITEM(own, k);
        Py_ssize_t a, b;
        if (!PyTuple_Check(sp) || PyTuple_GET_SIZE(sp) != 2) {
            PyErr_SetString(PyExc_TypeError, "tokens_in: spans are (start, end) tuples");
            bad = 1;
            break;
        }
        a = as_offset(PyTuple_GET_ITEM(sp, 0));
        b = a == -1 && PyErr_Occurred() ? -1 : as_offset(PyTuple_GET_ITEM(sp, 1));
        if ((b == -1 && PyErr_Occurred()) || tokens_span(text, apos, a, b, tb, base, low, words, first, marks, hits, map) < 0) {
            bad = 1;
            break;
        }
        in_order &= a >= reached;
        if (b > reached) reached = b;
    }
    if (ordered != NULL) *ordered = in_order;
    Py_DECREF(own);
    Py_DECREF(bits);
    return bad ? -1 : 0;
}

/* tokens_in(text, spans, apostrophes, starts, ends[, low, words, first, marks, hits]) -> None:
 * tokens_of for each (start, end) of the list ``spans`` in turn (a _Doc's regions: one call, not
 * one per region). */
static PyObject *tokens_in(PyObject *self, PyObject *args) {
    PyObject *text, *spans, *apos, *starts, *ends, *low = Py_None, *words = Py_None, *first = Py_None;
    PyObject *marks = Py_None, *hits = Py_None;
    if (!PyArg_ParseTuple(args, "UO!UO!O!|OOOOO", &text, &PyList_Type, &spans, &apos, &PyList_Type, &starts,
                          &PyList_Type, &ends, &low, &words, &first, &marks, &hits))
        return NULL;
    tokbuf tb = {NULL, NULL, 0, 0};
    int bad = tokens_of_spans(text, spans, apos, &tb, PyList_GET_SIZE(starts), low, words, first, marks, hits, NULL) < 0 ||
              tokbuf_to_lists(&tb, starts, ends) < 0;
    tokbuf_free(&tb);
    if (bad) return NULL;
    Py_RETURN_NONE;
}

/* The token table (a bytes object: token_table's) whose starts and ends were last checked, or made
 * in order by token_table, as the tokens of a text of checked_len characters, and a reference to
 * it, so that it cannot be freed and another made at its address: a _Doc's three readings do not
 * check its table again (a sixth of each reading's own work). */
static PyObject *checked_table;
static Py_ssize_t checked_len = -1;

/* token_table(text, spans, apostrophes, low, first, marks, hits) -> bytes: tokens_in's tokens as
 * one bytes object, the n starts then the n ends as Py_ssize_t (a _Doc reads them through two
 * memoryviews, and the C readings of the rules in place: two lists of ints, made here and read
 * back by each reading, were a tenth of voice attribution); first and hits as tokens_in fills
 * them (low a callable, no words kept). */
static PyObject *token_table(PyObject *self, PyObject *args) {
    PyObject *text, *spans, *apos, *low, *first, *marks, *hits;
    if (!PyArg_ParseTuple(args, "UO!UOOOO", &text, &PyList_Type, &spans, &apos, &low, &first, &marks, &hits))
        return NULL;
    if (!PyCallable_Check(low)) {
        PyErr_SetString(PyExc_TypeError, "token_table: low must be a callable");
        return NULL;
    }
    /* (the arrays of the last call, grown as needed: growing them from 256 tokens for each text was
     * 0.5 % of score; a call made from the low callable of another has its own) */
    static tokbuf pool;
    static int pool_busy;
    tokbuf local = {NULL, NULL, 0, 0}, *tb = pool_busy ? &local : &pool;
    if (tb == &pool) {
        pool_busy = 1;
        pool.n = 0;
    }
    PyObject *out = NULL;
    int ordered;
    if (tokens_of_spans(text, spans, apos, tb, 0, low, Py_None, first, marks, hits, &ordered) == 0) {
        size_t half = (size_t)tb->n * sizeof(Py_ssize_t);
        out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(2 * half));
        if (out != NULL && tb->n > 0) {
            memcpy(PyBytes_AS_STRING(out), tb->s, half);
            memcpy(PyBytes_AS_STRING(out) + half, tb->e, half);
        }
        /* Each token lies in the text, its start before its end (next_token); where the spans came
         * in order, each also starts at or after the end of the one before, and the table is
         * known checked for this text's length (the first reading of it checked every token
         * again: 1 % of score; a test of every token here, 0.5 %) */
        if (out != NULL && ordered) {
            Py_INCREF(out);
            Py_XSETREF(checked_table, out);
            checked_len = PyUnicode_GET_LENGTH(text);
        }
    }
    if (tb == &pool) {
        pool.n = 0;
        pool_busy = 0;
        if (pool.cap > POOL_KEEP_TOKENS) {
            tokbuf_free(&pool);
            pool.s = pool.e = NULL;
            pool.cap = 0;
        }
    } else {
        tokbuf_free(&local);
    }
    return out;
}

/* Indexes of the items of a list that are str holding a NUL character (other items are skipped):
 * memchr for one-byte strings, a loop the compiler vectorises for the others. */
#define HAS_ZERO(TYPE)                                                              \
    do {                                                                            \
        const TYPE *s_ = (const TYPE *)data;                                        \
        for (Py_ssize_t a_ = 0; a_ < len && !found; a_ += 256) {                    \
            Py_ssize_t b_ = a_ + 256 < len ? a_ + 256 : len;                        \
            int z_ = 0;                                                             \
            for (Py_ssize_t i_ = a_; i_ < b_; i_++) z_ |= s_[i_] == 0;              \
            found = z_;                                                             \
        }                                                                           \
    } while (0)

static PyObject *with_nul(PyObject *self, PyObject *args) {
    PyObject *texts;
    if (!PyArg_ParseTuple(args, "O!", &PyList_Type, &texts)) return NULL;
    PyObject *out = PyList_New(0);
    if (out == NULL) return NULL;
    for (Py_ssize_t t = 0; t < PyList_GET_SIZE(texts); t++) {
        PyObject *item = PyList_GET_ITEM(texts, t);
        if (!PyUnicode_Check(item)) continue;
        if (PyUnicode_READY(item) < 0) { Py_DECREF(out); return NULL; }
        Py_ssize_t len = PyUnicode_GET_LENGTH(item);
        const void *data = PyUnicode_DATA(item);
        int found = 0;
        switch (PyUnicode_KIND(item)) {
            case PyUnicode_1BYTE_KIND: found = memchr(data, 0, (size_t)len) != NULL; break;
            case PyUnicode_2BYTE_KIND: {
                Py_ssize_t from = 0;
#ifdef SSE2_SCANS
                /* (16 code points a step: GCC's vectorised loop of HAS_ZERO took 1.5 instructions a
                 * code point, on nearly every text: news has curly quotation marks) */
                const Py_UCS2 *u = (const Py_UCS2 *)data;
                __m128i acc = _mm_setzero_si128(), zero = _mm_setzero_si128();
                for (; from + 16 <= len; from += 16)
                    acc = _mm_or_si128(acc, _mm_or_si128(_mm_cmpeq_epi16(_mm_loadu_si128((const __m128i *)(u + from)), zero),
                                                         _mm_cmpeq_epi16(_mm_loadu_si128((const __m128i *)(u + from + 8)), zero)));
                found = _mm_movemask_epi8(acc) != 0;
                data = u + from;
                len -= from;
#endif
                (void)from;
                if (!found) HAS_ZERO(Py_UCS2);
                break;
            }
            default: HAS_ZERO(Py_UCS4); break;
        }
        if (found) {
            PyObject *i = PyLong_FromSsize_t(t);
            if (i == NULL || PyList_Append(out, i) < 0) { Py_XDECREF(i); Py_DECREF(out); return NULL; }
            Py_DECREF(i);
        }
    }
    return out;
}

/* Quotation regions of a text: framing/voice.py's _quote_regions (its docstring has the rules;
 * the Python function is the reference the tests compare this one with). The sets of characters
 * come from framing/voice.py: doubles that open, doubles that close, singles that open, singles
 * that close, what may stand before an opening straight double mark and before an opening
 * straight single mark. */
typedef struct { Py_ssize_t pos; char open; char dbl; } qmark; /* pos: offset in the text */
typedef struct { Py_ssize_t a, b; } qspan;

/* (the callers' sets of marks all lie at or above U+00AB, besides the straight marks, so that most
 * characters are passed over without a lookup: tests/test_voice.py checks framing/voice.py's sets) */

static int push_span(qspan **arr, Py_ssize_t *n, Py_ssize_t *cap, Py_ssize_t a, Py_ssize_t b) {
    if (*n == *cap) {
        Py_ssize_t c = *cap ? 2 * *cap : 16;
        qspan *x = PyMem_Realloc(*arr, sizeof(qspan) * c);
        if (x == NULL) return -1;
        *arr = x;
        *cap = c;
    }
    (*arr)[*n].a = a;
    (*arr)[(*n)++].b = b;
    return 0;
}

static int cmp_span(const void *x, const void *y) {
    const qspan *p = x, *q = y;
    if (p->a != q->a) return p->a < q->a ? -1 : 1;
    return (p->b > q->b) - (p->b < q->b);
}


/* The first index in [i, n) whose character c (of the text's kind, TYPE) makes the mask COND
 * non-zero, else n: 32 characters tested at a time without an early exit (a loop the compiler
 * vectorises: each test a mask of TYPE, M(x), which keeps GCC from turning a set of characters
 * into a bit test it cannot vectorise), then the one found. The voice and sentence functions walk
 * every line of a text this way (a PyUnicode_READ per character, whose kind is tested each time,
 * was a third of quote_regions). */
#define M(x) ((TYPE)(0 - (TYPE)(x)))
#define SCAN_UNTIL(COND)                                                           \
    do {                                                                           \
        const TYPE *s_ = (const TYPE *)data;                                       \
        while (i + 32 <= n) {                                                      \
            TYPE hit_ = 0;                                                         \
            for (int k_ = 0; k_ < 32; k_++) {                                      \
                TYPE c = s_[i + k_];                                               \
                hit_ |= (COND);                                                    \
            }                                                                      \
            if (hit_) break;                                                       \
            i += 32;                                                               \
        }                                                                          \
        while (i < n) {                                                            \
            TYPE c = s_[i];                                                        \
            if (COND) break;                                                       \
            i++;                                                                   \
        }                                                                          \
    } while (0)
#define SCAN_KINDS_SCALAR(COND)                                                    \
    do {                                                                           \
        if (i < 0) i = 0;                                                          \
        if (kind == PyUnicode_1BYTE_KIND) {                                        \
            typedef Py_UCS1 TYPE;                                                  \
            SCAN_UNTIL(COND);                                                      \
        } else if (kind == PyUnicode_2BYTE_KIND) {                                 \
            typedef Py_UCS2 TYPE;                                                  \
            SCAN_UNTIL(COND);                                                      \
        } else {                                                                   \
            typedef Py_UCS4 TYPE;                                                  \
            SCAN_UNTIL(COND);                                                      \
        }                                                                          \
        return i < n ? i : n;                                                      \
    } while (0)
#ifdef SSE2_SCANS
/* With SSE2 (every x86-64), a str of one or two bytes per character is scanned 16 characters at a
 * time: VEC8 and VEC16 give the lanes (all ones) of the characters of v, a vector of 16 (UCS1) or 8
 * (UCS2) of them, that COND holds; a block's lanes become 16 bits (packed two bytes to one for
 * UCS2), and the first set bit is the character found. The loop of SCAN_UNTIL, which reads the
 * block of 32 that holds one character by character, cost 3.4 instructions a character for
 * next_break; the scans were 7 % of the instructions of score. Other compilers and targets, and
 * strs of four bytes a character, keep SCAN_UNTIL. */
#define SCAN_KINDS(COND, VEC8, VEC16)                                                     \
    do {                                                                                  \
        if (i < 0) i = 0;                                                                 \
        if (kind == PyUnicode_1BYTE_KIND) {                                               \
            const Py_UCS1 *s8_ = (const Py_UCS1 *)data;                                   \
            for (; i + 16 <= n; i += 16) {                                                \
                __m128i v = _mm_loadu_si128((const __m128i *)(s8_ + i));                  \
                int m_ = _mm_movemask_epi8(VEC8);                                         \
                if (m_) return i + __builtin_ctz((unsigned)m_);                           \
            }                                                                             \
        } else if (kind == PyUnicode_2BYTE_KIND) {                                        \
            const Py_UCS2 *s16_ = (const Py_UCS2 *)data;                                  \
            for (; i + 16 <= n; i += 16) {                                                \
                __m128i v = _mm_loadu_si128((const __m128i *)(s16_ + i));                 \
                __m128i lo_ = VEC16;                                                      \
                v = _mm_loadu_si128((const __m128i *)(s16_ + i + 8));                     \
                int m_ = _mm_movemask_epi8(_mm_packs_epi16(lo_, VEC16));                  \
                if (m_) return i + __builtin_ctz((unsigned)m_);                           \
            }                                                                             \
        }                                                                                 \
        SCAN_KINDS_SCALAR(COND);                                                          \
    } while (0)
#define EQ8(x) _mm_cmpeq_epi8(v, _mm_set1_epi8((char)(x)))
#define EQ16(x) _mm_cmpeq_epi16(v, _mm_set1_epi16((short)(x)))
#define VOR(a, b) _mm_or_si128((a), (b))
#define VNOT(a) _mm_andnot_si128((a), _mm_set1_epi8(-1))
#define BREAK8 VOR(EQ8('\n'), EQ8('\r'))
#define BREAK16 VOR(VOR(EQ16('\n'), EQ16('\r')), _mm_cmpeq_epi16(_mm_and_si128(v, _mm_set1_epi16((short)0xFFFE)), \
                                                         _mm_set1_epi16((short)0x2028)))
/* (unsigned c >= x: max(c, x) == c for bytes; x - c saturating at 0 is 0 for UCS2) */
#define GE8(x) _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8((char)(x))), v)
#define GE16(x) _mm_cmpeq_epi16(_mm_subs_epu16(_mm_set1_epi16((short)(x)), v), _mm_setzero_si128())
#else
#define SCAN_KINDS(COND, VEC8, VEC16) SCAN_KINDS_SCALAR(COND)
#endif
#define IS_BREAK (M(c == '\n') | M(c == '\r') | M(c == 0x2028) | M(c == 0x2029))

/* The first line break at or after i (n: none). */
static Py_ssize_t next_break(int kind, const void *data, Py_ssize_t i, Py_ssize_t n) { SCAN_KINDS(IS_BREAK, BREAK8, BREAK16); }
/* The first character at or after i that is not a line break (n: none). */
static Py_ssize_t next_non_break(int kind, const void *data, Py_ssize_t i, Py_ssize_t n) {
    SCAN_KINDS((TYPE)~IS_BREAK, VNOT(BREAK8), VNOT(BREAK16));
}
/* The first character at or after i that may be a quotation mark: a straight one, or any at or
 * above U+00AB (no curly mark or guillemet is below it), n: none. */
static Py_ssize_t next_mark(int kind, const void *data, Py_ssize_t i, Py_ssize_t n) {
    SCAN_KINDS(M(c == '"') | M(c == '\'') | M(c >= 0xAB), VOR(VOR(EQ8('"'), EQ8('\'')), GE8(0xAB)),
               VOR(VOR(EQ16('"'), EQ16('\'')), GE16(0xAB)));
}
/* The first ".", "?" or "!" at or after i (n: none). */
static Py_ssize_t next_stop(int kind, const void *data, Py_ssize_t i, Py_ssize_t n) {
    SCAN_KINDS(M(c == '.') | M(c == '?') | M(c == '!'), VOR(VOR(EQ8('.'), EQ8('?')), EQ8('!')),
               VOR(VOR(EQ16('.'), EQ16('?')), EQ16('!')));
}

static PyObject *quote_regions(PyObject *self, PyObject *args) {
    PyObject *text, *od, *cd, *os_, *cs, *before_d, *before_s;
    if (!PyArg_ParseTuple(args, "UUUUUUU", &text, &od, &cd, &os_, &cs, &before_d, &before_s)) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    PyObject *result = NULL;
    /* (the marks' sets as bit sets: a search of each str for every curly apostrophe was a quarter of
     * this function) */
    charset c_od = charset_of(od), c_cd = charset_of(cd), c_os = charset_of(os_), c_cs = charset_of(cs),
            c_bd = charset_of(before_d), c_bs = charset_of(before_s);
    /* lines (non-blank runs between breaks), their leading spaces, and their marks */
    Py_ssize_t *la = NULL, *lb = NULL, *lead = NULL, *mstart = NULL;
    qmark *marks = NULL;
    qspan *regions = NULL, *stack = NULL; /* stack: (pos, dbl) in a and b */
    Py_ssize_t n_lines = 0, cap_lines = 0, n_marks = 0, cap_marks = 0, n_reg = 0, cap_reg = 0, n_st = 0, cap_st = 0;
    Py_ssize_t i = 0;
    while (i < n) {
        i = next_non_break(kind, data, i, n);
        if (i >= n) break;
        Py_ssize_t a = i, first = -1;
        i = next_break(kind, data, i, n);
        for (Py_ssize_t k = a; k < i; k++)
            if (!Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, k))) { first = k; break; }
        if (first < 0) continue; /* blank */
        if (n_lines == cap_lines) {
            cap_lines = cap_lines ? 2 * cap_lines : 64;
            Py_ssize_t *x1 = PyMem_Realloc(la, sizeof(Py_ssize_t) * cap_lines);
            if (x1) la = x1;
            Py_ssize_t *x2 = PyMem_Realloc(lb, sizeof(Py_ssize_t) * cap_lines);
            if (x2) lb = x2;
            Py_ssize_t *x3 = PyMem_Realloc(lead, sizeof(Py_ssize_t) * cap_lines);
            if (x3) lead = x3;
            Py_ssize_t *x4 = PyMem_Realloc(mstart, sizeof(Py_ssize_t) * (cap_lines + 1));
            if (x4) mstart = x4;
            if (!x1 || !x2 || !x3 || !x4) { PyErr_NoMemory(); goto done; }
        }
        la[n_lines] = a;
        lb[n_lines] = i;
        lead[n_lines] = first - a;
        mstart[n_lines] = n_marks;
        for (Py_ssize_t q = next_mark(kind, data, a, i); q < i; q = next_mark(kind, data, q + 1, i)) {
            Py_UCS4 ch = PyUnicode_READ(kind, data, q);
            int isd_open = in_charset(&c_od, ch), isd_close = !isd_open && in_charset(&c_cd, ch);
            int iss_open = !isd_open && !isd_close && in_charset(&c_os, ch);
            int iss_close = !isd_open && !isd_close && !iss_open && in_charset(&c_cs, ch);
            if (!(isd_open || isd_close || iss_open || iss_close || ch == '"' || ch == '\'')) continue;
            Py_UCS4 prev = q > a ? PyUnicode_READ(kind, data, q - 1) : ' ';
            Py_UCS4 nxt = q + 1 < i ? PyUnicode_READ(kind, data, q + 1) : ' ';
            int open, dbl;
            if (isd_open) { open = 1; dbl = 1; }
            else if (isd_close) { open = 0; dbl = 1; }
            else if (ch == '"') {
                open = (Py_UNICODE_ISSPACE(prev) || in_charset(&c_bd, prev)) && !Py_UNICODE_ISSPACE(nxt);
                dbl = 1;
            } else {
                if (Py_UNICODE_ISALNUM(prev) && Py_UNICODE_ISALNUM(nxt)) continue; /* inside a word */
                dbl = 0;
                if (iss_open || (ch == '\'' && (Py_UNICODE_ISSPACE(prev) || in_charset(&c_bs, prev)) && Py_UNICODE_ISALNUM(nxt)))
                    open = 1;
                else if ((iss_close || ch == '\'') && !Py_UNICODE_ISSPACE(prev) && !Py_UNICODE_ISALNUM(nxt))
                    open = 0;
                else
                    continue;
            }
            if (n_marks == cap_marks) {
                cap_marks = cap_marks ? 2 * cap_marks : 64;
                qmark *x = PyMem_Realloc(marks, sizeof(qmark) * cap_marks);
                if (x == NULL) { PyErr_NoMemory(); goto done; }
                marks = x;
            }
            marks[n_marks].pos = q;
            marks[n_marks].open = (char)open;
            marks[n_marks++].dbl = (char)dbl;
        }
        n_lines++;
    }
    if (mstart != NULL) mstart[n_lines] = n_marks;
    {
        Py_ssize_t pending = -1;
        for (Py_ssize_t L = 0; L < n_lines; L++) {
            Py_ssize_t m0 = mstart[L], m1 = mstart[L + 1];
            n_st = 0;
            if (pending >= 0) {
                if (m1 > m0 && marks[m0].pos - la[L] == lead[L] && marks[m0].open && marks[m0].dbl) {
                    if (push_span(&regions, &n_reg, &cap_reg, pending, la[L]) < 0) { PyErr_NoMemory(); goto done; }
                } else {
                    if (push_span(&stack, &n_st, &cap_st, pending, 1) < 0) { PyErr_NoMemory(); goto done; }
                }
                pending = -1;
            }
            Py_ssize_t last_close = la[L];
            for (Py_ssize_t k = m0; k < m1; k++) {
                Py_ssize_t pos = marks[k].pos;
                int dbl = marks[k].dbl;
                if (marks[k].open) {
                    if (push_span(&stack, &n_st, &cap_st, pos, dbl) < 0) { PyErr_NoMemory(); goto done; }
                    continue;
                }
                Py_ssize_t idx = -1;
                for (Py_ssize_t j = n_st - 1; j >= 0; j--)
                    if (stack[j].b == dbl) { idx = j; break; }
                if (idx >= 0) {
                    Py_ssize_t start = stack[idx].a;
                    n_st = idx;
                    if (n_st == 0) {
                        if (push_span(&regions, &n_reg, &cap_reg, start, pos + 1) < 0) { PyErr_NoMemory(); goto done; }
                        last_close = pos + 1;
                    }
                } else if (dbl && n_st == 0) {
                    if (push_span(&regions, &n_reg, &cap_reg, last_close, pos + 1) < 0) { PyErr_NoMemory(); goto done; }
                    last_close = pos + 1;
                }
            }
            Py_ssize_t first_double = -1;
            for (Py_ssize_t j = 0; j < n_st; j++)
                if (stack[j].b) { first_double = stack[j].a; break; }
            if (first_double >= 0) {
                /* continues: the first double mark of the next paragraphs (up to four) that have one */
                int cont = 0;
                for (Py_ssize_t L2 = L + 1; L2 < n_lines && L2 <= L + 4; L2++) {
                    Py_ssize_t found = -1;
                    for (Py_ssize_t k = mstart[L2]; k < mstart[L2 + 1]; k++)
                        if (marks[k].dbl) { found = k; break; }
                    if (found >= 0) {
                        cont = !marks[found].open || (marks[found].pos - la[L2] == lead[L2]);
                        break;
                    }
                }
                if (cont) pending = first_double;
                else if (push_span(&regions, &n_reg, &cap_reg, first_double, lb[L]) < 0) { PyErr_NoMemory(); goto done; }
            }
        }
        if (pending >= 0 && push_span(&regions, &n_reg, &cap_reg, pending, lb[n_lines - 1]) < 0) { PyErr_NoMemory(); goto done; }
    }
    if (n_reg > 1) qsort(regions, (size_t)n_reg, sizeof(qspan), cmp_span);
    result = PyList_New(0);
    if (result == NULL) goto done;
    {
        Py_ssize_t k = 0;
        while (k < n_reg) {
            Py_ssize_t a = regions[k].a, b = regions[k].b;
            k++;
            while (k < n_reg && regions[k].a < b) { /* overlapping: merged */
                if (regions[k].b > b) b = regions[k].b;
                k++;
            }
            PyObject *t = pair_of(a, b);
            if (t == NULL || PyList_Append(result, t) < 0) { Py_XDECREF(t); Py_CLEAR(result); goto done; }
            Py_DECREF(t);
        }
    }
done:
    PyMem_Free(la); PyMem_Free(lb); PyMem_Free(lead); PyMem_Free(mstart);
    PyMem_Free(marks); PyMem_Free(regions); PyMem_Free(stack);
    return result;
}

/* The token offsets a reading of the rules takes (a _Doc's starts and ends): read in place from
 * two memoryviews of Py_ssize_t items over bytes (token_table's, as framing/voice.py views it:
 * immutable, so no Python code run during the reading can change them), else copied from two
 * sequences of ints (as_offset of each; lists, in the tests). Either way they are checked before
 * any is read: each token a span of the text, at or after the one before. */
typedef struct {
    const Py_ssize_t *ts, *te;
    Py_ssize_t n;
    Py_buffer views[2]; /* (held while reading in place: the memoryviews cannot be released meanwhile) */
    int held;
    Py_ssize_t *mem;    /* the copies (PyMem), else NULL */
} tokarr;

/* 1: o is a contiguous, aligned memoryview of Py_ssize_t items over bytes, held in *b (release it);
 * 0: anything else (a released or strided view, one over another object or none: copied) */
static int view_of(PyObject *o, Py_buffer *b) {
    if (!PyMemoryView_Check(o)) return 0;
    if (PyObject_GetBuffer(o, b, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS) < 0) { /* (released or strided) */
        PyErr_Clear();
        return 0;
    }
    PyObject *base = PyMemoryView_GET_BASE(o); /* (the view is held: not released meanwhile) */
    if (base != NULL && PyBytes_CheckExact(base) && b->format != NULL && strcmp(b->format, "n") == 0 &&
        b->itemsize == sizeof(Py_ssize_t) && b->ndim == 1 && (uintptr_t)b->buf % sizeof(Py_ssize_t) == 0)
        return 1;
    PyBuffer_Release(b);
    return 0;
}

static void tokarr_release(tokarr *t) {
    if (t->held) {
        PyBuffer_Release(&t->views[0]);
        PyBuffer_Release(&t->views[1]);
        t->held = 0;
    }
    PyMem_Free(t->mem);
    t->mem = NULL;
}


/* The bytes object whose first and second halves the two views are (NULL: anything else). */
static PyObject *table_of(const Py_buffer *v) {
    PyObject *base = v[0].obj != NULL && PyMemoryView_Check(v[0].obj) ? PyMemoryView_GET_BASE(v[0].obj) : NULL;
    if (base == NULL || !PyBytes_CheckExact(base) || v[1].obj == NULL || !PyMemoryView_Check(v[1].obj) ||
        PyMemoryView_GET_BASE(v[1].obj) != base || v[0].buf != (void *)PyBytes_AS_STRING(base) ||
        (char *)v[1].buf != PyBytes_AS_STRING(base) + v[0].len || 2 * v[0].len != PyBytes_GET_SIZE(base))
        return NULL;
    return base;
}

/* starts and ends into *t (release with tokarr_release, also after an error): 0, -1 on error (fn
 * names the reading in the messages; the caller has checked that there are as many of each) */
static int tokarr_of(PyObject *starts, PyObject *ends, Py_ssize_t len, const char *fn, tokarr *t) {
    memset(t, 0, sizeof(*t));
    int a = view_of(starts, &t->views[0]), b = a ? view_of(ends, &t->views[1]) : 0;
    PyObject *table = NULL;
    if (a && b) {
        t->held = 1;
        t->n = t->views[0].len / (Py_ssize_t)sizeof(Py_ssize_t);
        if (t->views[1].len != t->views[0].len) {
            PyErr_Format(PyExc_ValueError, "%s: as many ends as token starts are needed", fn);
            return -1;
        }
        t->ts = t->views[0].buf;
        t->te = t->views[1].buf;
        table = table_of(t->views);
        if (table != NULL && table == checked_table && len == checked_len) return 0;
    } else {
        if (a) PyBuffer_Release(&t->views[0]);
        PyObject *st = PySequence_Tuple(starts), *et = st ? PySequence_Tuple(ends) : NULL;
        if (et == NULL) {
            Py_XDECREF(st);
            return -1;
        }
        t->n = PyTuple_GET_SIZE(st);
        if (PyTuple_GET_SIZE(et) != t->n) {
            PyErr_Format(PyExc_ValueError, "%s: as many ends as token starts are needed", fn);
        } else if ((t->mem = PyMem_New(Py_ssize_t, 2 * t->n + 1)) == NULL) {
            PyErr_NoMemory();
        } else {
            for (Py_ssize_t i = 0; i < t->n; i++) {
                if ((t->mem[i] = as_offset(PyTuple_GET_ITEM(st, i))) == -1 && PyErr_Occurred()) break;
                if ((t->mem[t->n + i] = as_offset(PyTuple_GET_ITEM(et, i))) == -1 && PyErr_Occurred()) break;
            }
        }
        Py_DECREF(st);
        Py_DECREF(et);
        if (PyErr_Occurred()) return -1;
        t->ts = t->mem;
        t->te = t->mem + t->n;
    }
    for (Py_ssize_t i = 0; i < t->n; i++)
        if (t->ts[i] < 0 || t->te[i] < t->ts[i] || t->te[i] > len || (i > 0 && t->ts[i] < t->te[i - 1])) {
            PyErr_Format(PyExc_ValueError, "%s: token %zd is not a span of the text after the one before", fn, i);
            return -1;
        }
    if (table != NULL) {
        Py_INCREF(table);
        Py_XSETREF(checked_table, table); /* (the one it replaces, a bytes object, runs no Python code when freed) */
        checked_len = len;
    }
    return 0;
}

/* Sorted, distinct Py_ssize_t values of a list of ints. */
static int cmp_ssize(const void *x, const void *y) {
    Py_ssize_t a = *(const Py_ssize_t *)x, b = *(const Py_ssize_t *)y;
    return (a > b) - (a < b);
}

/* Sorts p[0:n] ascending, tmp holding n values: a natural merge sort (the ascending runs found, then
 * merged pairwise), O(n log r) for r runs. A _Doc's points are three nearly sorted runs (the starts,
 * middles and last characters of its mentions), which qsort sorted from scratch, with a call per
 * comparison, four times a text (2 % of score). */
static void sort_runs(Py_ssize_t *p, Py_ssize_t *tmp, Py_ssize_t n) {
    for (;;) {
        Py_ssize_t runs = 0, a = 0;
        while (a < n) { /* merge the run at a with the next one into tmp */
            Py_ssize_t m = a + 1;
            while (m < n && p[m - 1] <= p[m]) m++;
            Py_ssize_t b = m < n ? m + 1 : n;
            while (b < n && p[b - 1] <= p[b]) b++;
            Py_ssize_t i = a, j = m, k = a;
            while (i < m && j < b) tmp[k++] = p[j] < p[i] ? p[j++] : p[i++];
            while (i < m) tmp[k++] = p[i++];
            while (j < b) tmp[k++] = p[j++];
            runs++;
            a = b;
        }
        memcpy(p, tmp, sizeof(Py_ssize_t) * (size_t)n);
        if (runs <= 1) return;
    }
}

static Py_ssize_t *sorted_points(PyObject *list, Py_ssize_t extra, Py_ssize_t *n_out) {
    PyObject *t = PySequence_Tuple(list); /* (a copy: an item's __index__ could change the list) */
    if (t == NULL) return NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(t);
    Py_ssize_t *p = PyMem_New(Py_ssize_t, n + extra + 1);
    if (p == NULL) { Py_DECREF(t); PyErr_NoMemory(); return NULL; }
    for (Py_ssize_t i = 0; i < n; i++) {
        p[i] = as_offset(PyTuple_GET_ITEM(t, i));
        if (p[i] == -1 && PyErr_Occurred()) { Py_DECREF(t); PyMem_Free(p); return NULL; }
    }
    Py_DECREF(t);
    Py_ssize_t k = 1;
    while (k < n && p[k - 1] <= p[k]) k++;
    if (k < n) { /* (not sorted yet) */
        Py_ssize_t *tmp = PyMem_New(Py_ssize_t, n);
        if (tmp == NULL) { PyMem_Free(p); PyErr_NoMemory(); return NULL; }
        sort_runs(p, tmp, n);
        PyMem_Free(tmp);
    }
    Py_ssize_t m = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (m == 0 || p[i] != p[m - 1]) p[m++] = p[i];
    *n_out = m;
    return p;
}

/* Spans from a list of (start, end) tuples or lists. */
static qspan *spans_of(PyObject *list, Py_ssize_t *n_out) {
    /* (copies, of the list and of each pair: an item's __index__ could change them) */
    PyObject *all = PySequence_Tuple(list);
    if (all == NULL) return NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(all);
    qspan *s = PyMem_New(qspan, n + 1);
    if (s == NULL) { Py_DECREF(all); PyErr_NoMemory(); return NULL; }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *t = PyTuple_GET_ITEM(all, i), *pair = NULL;
        if ((PyTuple_Check(t) || PyList_Check(t)) && PySequence_Fast_GET_SIZE(t) == 2) pair = PySequence_Tuple(t);
        else PyErr_SetString(PyExc_TypeError, "spans must be (start, end) pairs");
        if (pair != NULL) {
            s[i].a = as_offset(PyTuple_GET_ITEM(pair, 0));
            if (!(s[i].a == -1 && PyErr_Occurred())) s[i].b = as_offset(PyTuple_GET_ITEM(pair, 1));
            Py_DECREF(pair);
        }
        if (PyErr_Occurred()) { Py_DECREF(all); PyMem_Free(s); return NULL; }
    }
    Py_DECREF(all);
    *n_out = n;
    return s;
}

/* Indexes of the sorted, disjoint spans holding one of the sorted points (into idx), their count;
 * *all_in: whether every point lies in one. */
static Py_ssize_t holding(const qspan *sp, Py_ssize_t ns, const Py_ssize_t *pt, Py_ssize_t np_, Py_ssize_t *idx, int *all_in) {
    Py_ssize_t k = 0, m = 0;
    *all_in = 1;
    for (Py_ssize_t j = 0; j < np_; j++) {
        while (k < ns && sp[k].b <= pt[j]) k++;
        if (k == ns || pt[j] < sp[k].a) { *all_in = 0; continue; }
        if (m == 0 || idx[m - 1] != k) idx[m++] = k;
    }
    return m;
}

/* Whether [a, b) holds one of the sorted points. */
static int holds(Py_ssize_t a, Py_ssize_t b, const Py_ssize_t *pt, Py_ssize_t np_) {
    Py_ssize_t lo = 0, hi = np_;
    while (lo < hi) { Py_ssize_t mid = (lo + hi) / 2; if (pt[mid] < a) lo = mid + 1; else hi = mid; }
    return lo < np_ && pt[lo] < b;
}

/* Whether [a, b) overlaps one of the spans sp[idx[0..m)] (sorted, disjoint). */
static int overlaps(Py_ssize_t a, Py_ssize_t b, const qspan *sp, const Py_ssize_t *idx, Py_ssize_t m) {
    Py_ssize_t lo = 0, hi = m; /* the number of spans starting at or before a */
    while (lo < hi) { Py_ssize_t mid = (lo + hi) / 2; if (sp[idx[mid]].a <= a) lo = mid + 1; else hi = mid; }
    return (lo > 0 && sp[idx[lo - 1]].b > a) || (lo < m && sp[idx[lo]].a < b);
}

/* The first and last characters, sorted, of the quotations that hold one of the sorted points or
 * overlap one of the spans sp[idx[0..m)]; their number (out has room for 2 * n_q). */
static Py_ssize_t quote_ends(const qspan *q, Py_ssize_t n_q, const Py_ssize_t *pts, Py_ssize_t n_pts,
                             const qspan *sp, const Py_ssize_t *idx, Py_ssize_t m, Py_ssize_t *out) {
    Py_ssize_t n = 0;
    for (Py_ssize_t k = 0; k < n_q; k++) {
        if (q[k].b <= q[k].a) continue; /* (empty: holds and overlaps nothing) */
        if (holds(q[k].a, q[k].b, pts, n_pts) || overlaps(q[k].a, q[k].b, sp, idx, m)) {
            out[n++] = q[k].a;
            out[n++] = q[k].b - 1;
        }
    }
    qsort(out, (size_t)n, sizeof(Py_ssize_t), cmp_ssize);
    return n;
}

/* A list of (start, end) tuples of the spans sp[idx[k]] (idx NULL: sp[k]), k < n. */
static PyObject *span_list(const qspan *sp, const Py_ssize_t *idx, Py_ssize_t n) {
    PyObject *list = PyList_New(n);
    if (list == NULL) return NULL;
    for (Py_ssize_t k = 0; k < n; k++) {
        const qspan *x = &sp[idx ? idx[k] : k];
        PyObject *t = pair_of(x->a, x->b);
        if (t == NULL) { Py_DECREF(list); return NULL; }
        PyList_SET_ITEM(list, k, t);
    }
    return list;
}

/* framing/voice.py's _focus (the reference; tests compare both): (points, lines) or None. */
static PyObject *focus(PyObject *self, PyObject *args) {
    PyObject *text, *quotes, *around;
    if (!PyArg_ParseTuple(args, "UO!O!", &text, &PyList_Type, &quotes, &PyList_Type, &around)) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), n_pts = 0, n_q = 0, n_bl = 0, cap_bl = 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    PyObject *result = NULL;
    qspan *q = NULL, *bl = NULL;
    Py_ssize_t *pts = NULL, *idx = NULL, *add = NULL, *merged = NULL;
    q = spans_of(quotes, &n_q);
    if (q == NULL) goto done;
    pts = sorted_points(around, 0, &n_pts);
    if (pts == NULL) goto done;
    for (Py_ssize_t i = 0; i < n;) { /* lines: runs of characters other than line breaks */
        i = next_non_break(kind, data, i, n);
        if (i >= n) break;
        Py_ssize_t a = i;
        i = next_break(kind, data, i, n);
        if (push_span(&bl, &n_bl, &cap_bl, a, i) < 0) { PyErr_NoMemory(); goto done; }
    }
    idx = PyMem_New(Py_ssize_t, n_bl + 1);
    add = n_q < PY_SSIZE_T_MAX / 4 ? PyMem_New(Py_ssize_t, 2 * n_q + 1) : NULL;
    if (idx == NULL || add == NULL) { PyErr_NoMemory(); goto done; }
    Py_ssize_t m = 0;
    int all_in = 1;
    for (;;) {
        m = holding(bl, n_bl, pts, n_pts, idx, &all_in);
        Py_ssize_t n_add = quote_ends(q, n_q, pts, n_pts, bl, idx, m, add);
        /* the added points not there yet, merged in */
        Py_ssize_t n_new = 0;
        for (Py_ssize_t k = 0; k < n_add; k++)
            if ((k == 0 || add[k] != add[k - 1]) && !holds(add[k], add[k] + 1, pts, n_pts)) add[n_new++] = add[k];
        if (n_new == 0) break;
        merged = PyMem_New(Py_ssize_t, n_pts + n_new + 1);
        if (merged == NULL) { PyErr_NoMemory(); goto done; }
        Py_ssize_t x = 0, y = 0, z = 0;
        while (x < n_pts || y < n_new) merged[z++] = (y == n_new || (x < n_pts && pts[x] < add[y])) ? pts[x++] : add[y++];
        PyMem_Free(pts);
        pts = merged;
        merged = NULL;
        n_pts = z;
    }
    if (!all_in) { Py_INCREF(Py_None); result = Py_None; goto done; }
    {
        PyObject *plist = PyList_New(n_pts), *llist = span_list(bl, idx, m);
        if (plist == NULL || llist == NULL) { Py_XDECREF(plist); Py_XDECREF(llist); goto done; }
        for (Py_ssize_t k = 0; k < n_pts; k++) {
            PyObject *v = PyLong_FromSsize_t(pts[k]);
            if (v == NULL) { Py_DECREF(plist); Py_DECREF(llist); goto done; }
            PyList_SET_ITEM(plist, k, v);
        }
        result = PyTuple_Pack(2, plist, llist);
        Py_DECREF(plist);
        Py_DECREF(llist);
    }
done:
    PyMem_Free(q); PyMem_Free(bl); PyMem_Free(pts); PyMem_Free(idx); PyMem_Free(add); PyMem_Free(merged);
    return result;
}

/* End of the k-th word token (as word_spans reads them) starting at or after pos, or the text's
 * length when there are fewer. */
static Py_ssize_t kth_token_end(int kind, const void *data, Py_ssize_t n, Py_ssize_t pos, int k, const charset *ap) {
    Py_ssize_t i = pos < 0 ? 0 : pos; /* (as a regular expression search from a negative position) */
    int got = 0;
    while (i < n) {
        if (!is_word_char(PyUnicode_READ(kind, data, i))) { i++; continue; }
        i = token_end(kind, data, i, n, ap, NULL);
        if (++got == k) return i;
    }
    return n;
}

/* framing/voice.py's _sentence_regions (the reference; tests compare both). */
static PyObject *sentence_regions(PyObject *self, PyObject *args) {
    PyObject *text, *sents, *points, *quotes, *apos;
    int lookahead;
    if (!PyArg_ParseTuple(args, "UO!O!O!Ui", &text, &PyList_Type, &sents, &PyList_Type, &points, &PyList_Type, &quotes,
                          &apos, &lookahead))
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), ns = 0, n_pts = 0, n_q = 0;
    int kind = PyUnicode_KIND(text), all_in;
    const void *data = PyUnicode_DATA(text);
    charset ap = charset_of(apos);
    PyObject *result = NULL;
    qspan *sp = NULL, *q = NULL, *regions = NULL;
    Py_ssize_t *pts = NULL, *held = NULL, *ends = NULL, *eidx = NULL, *chosen = NULL, n_reg = 0, cap_reg = 0;
    sp = spans_of(sents, &ns);
    q = sp ? spans_of(quotes, &n_q) : NULL;
    pts = q ? sorted_points(points, 0, &n_pts) : NULL;
    if (pts == NULL) goto done;
    held = PyMem_New(Py_ssize_t, ns + 1);
    ends = n_q < PY_SSIZE_T_MAX / 4 ? PyMem_New(Py_ssize_t, 2 * n_q + 1) : NULL;
    eidx = PyMem_New(Py_ssize_t, ns + 1);
    chosen = ns < PY_SSIZE_T_MAX / 4 ? PyMem_New(Py_ssize_t, 2 * ns + 1) : NULL;
    if (!held || !ends || !eidx || !chosen) { PyErr_NoMemory(); goto done; }
    Py_ssize_t m = holding(sp, ns, pts, n_pts, held, &all_in);
    Py_ssize_t n_ends = quote_ends(q, n_q, pts, n_pts, sp, held, m, ends);
    Py_ssize_t me = holding(sp, ns, ends, n_ends, eidx, &all_in), nc = 0, x = 0, y = 0;
    while (x < m || y < me) { /* the union of both, in order */
        Py_ssize_t v = (y == me || (x < m && held[x] <= eidx[y])) ? held[x] : eidx[y];
        if (x < m && held[x] == v) x++;
        if (y < me && eidx[y] == v) y++;
        chosen[nc++] = v;
    }
    for (Py_ssize_t k = 0; k < nc; k++) {
        Py_ssize_t a = sp[chosen[k]].a, b = sp[chosen[k]].b;
        Py_ssize_t end = kth_token_end(kind, data, n, b, lookahead, &ap);
        if (n_reg > 0 && a <= regions[n_reg - 1].b) {
            if (end > regions[n_reg - 1].b) regions[n_reg - 1].b = end;
        } else if (push_span(&regions, &n_reg, &cap_reg, a, end) < 0) { PyErr_NoMemory(); goto done; }
    }
    result = span_list(regions, NULL, n_reg);
done:
    PyMem_Free(sp); PyMem_Free(q); PyMem_Free(regions); PyMem_Free(pts); PyMem_Free(held); PyMem_Free(ends);
    PyMem_Free(eidx); PyMem_Free(chosen);
    return result;
}

/* ---- sentences: framing/sentences.py's sentence_spans and _line_spans (the Python functions are
 * the reference and the fallback; tests compare both, and both with NLTK). The decision on the
 * words around a candidate that the fast path does not settle is the Python function passed in
 * (sentences._contains_break). */
static int is_ws(Py_UCS4 c) { /* sentences._WS: Unicode White_Space */
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}
static int is_ends_word(Py_UCS4 c) { /* sentences._ENDS_WORD */
    switch (c) {
        case ')': case '"': case ';': case '}': case ']': case '*': case ':': case '@': case '\'':
        case '(': case '{': case '[': case 0x2018: case 0x2019: case 0x201C: case 0x201D: case 0xAB:
        case 0xBB: case '?': case '!': return 1;
        default: return 0;
    }
}
static int is_closing(Py_UCS4 c) { /* sentences._CLOSING_RE's marks */
    switch (c) {
        case '"': case '\'': case ')': case ']': case '}': case 0x2018: case 0x2019: case 0x201C: case 0x201D:
        case 0xAB: case 0xBB: return 1;
        default: return 0;
    }
}
static int is_ascii_space(Py_UCS4 c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == 0x0C; }

typedef struct { Py_ssize_t pos, nw, g2s, g2e; } cand; /* nw: position of group 1 or -1; g2: group 2 or -1 */

/* Whether the run after the candidate's space holds . ? or ! before its last character (0 after a
 * word-ending character: no run) */
static int run_ends(int kind, const void *data, cand c) {
    for (Py_ssize_t k = c.g2s; c.nw < 0 && k < c.g2e - 1; k++) {
        Py_UCS4 x = PyUnicode_READ(kind, data, k);
        if (x == '.' || x == '?' || x == '!') return 1;
    }
    return 0;
}

/* Whether the candidate c, with the words text[a:b] before it, ends a sentence (sentences.py's
 * decide): 1 yes, 0 no, -1 error. */
static int ends_sentence(PyObject *text, int kind, const void *data, cand c, Py_ssize_t a, Py_ssize_t b,
                         PyObject *abbrev, PyObject *contains_break) {
    if (PyUnicode_READ(kind, data, c.pos) != '.') return 1; /* "?" or "!" followed by a token */
    /* a word of ASCII letters, its full stop, then punctuation or a space and a token (the most
     * common case): a break unless the word is an abbreviation; else the words around decide */
    int fast = c.nw >= 0 || (PyUnicode_READ(kind, data, c.pos + 1) == ' ' && PyUnicode_READ(kind, data, c.g2s) != '.');
    if (!fast) goto ask;
    /* The words around are the word and its full stop (one token), then a word-ending character
     * (c.nw), or a space and the run of non-space characters after it. Where the word's own pair
     * is no break, only a later token ending in . ? or ! that is not the last could end a
     * sentence: a run with those characters only at its end settles it (the callback for "Mr.
     * Smith", "U.S. forces", "J. Trump" and "2018. The" was a twentieth of score). */
    Py_UCS4 next = c.nw < 0 ? PyUnicode_READ(kind, data, c.g2s) : 0; /* the next token's first character */
    int next_upper = next >= 'A' && next <= 'Z', next_lower = next >= 'a' && next <= 'z';
    /* the word: ASCII letters with single full stops or hyphens inside ("U.S", "x-gen"), or digits */
    int letters = 0, digits = 0, other = 0;
    Py_ssize_t hyphen = -1; /* the last hyphen */
    for (Py_ssize_t k = a; k < b && !other; k++) {
        Py_UCS4 x = PyUnicode_READ(kind, data, k);
        if ((x >= 'A' && x <= 'Z') || (x >= 'a' && x <= 'z')) letters++;
        else if (x >= '0' && x <= '9') digits++;
        else if ((x == '.' || x == '-') && k > a && k < b - 1) {
            Py_UCS4 p = PyUnicode_READ(kind, data, k - 1);
            other = p == '.' || p == '-'; /* (".." and "--" are tokens of their own) */
            if (x == '-') hyphen = k;
        } else other = 1;
    }
    if (other || b - a >= 64 || b <= a || (letters && digits)) goto ask; /* (no abbreviation is that long) */
    if (digits && letters + digits < b - a) goto ask; /* (a number with . or -: the rules decide) */
    Py_UCS1 buf[64];
    for (Py_ssize_t k = a; k < b; k++) {
        Py_UCS4 x = PyUnicode_READ(kind, data, k);
        buf[k - a] = (Py_UCS1)(x >= 'A' && x <= 'Z' ? x + 32 : x);
    }
    int in = ascii_word_in(abbrev, buf, b - a);
    if (in == 0 && hyphen >= 0) /* the part after the last hyphen ("x-gen") */
        in = ascii_word_in(abbrev, buf + (hyphen + 1 - a), b - hyphen - 1);
    if (in < 0) return -1;
    if (in) { /* an abbreviation: its pair is no break */
        if (c.nw >= 0 || !run_ends(kind, data, c)) return 0;
    } else if (digits) { /* a number: a break before an upper-case word, none before a lower-case one */
        if (next_upper) return 1;
        if (next_lower && !run_ends(kind, data, c)) return 0;
    } else if (b - a == 1) { /* an initial: no break before a word */
        if ((next_upper || next_lower) && !run_ends(kind, data, c)) return 0;
    } else {
        return 1; /* another word and its full stop */
    }
ask:;
    PyObject *ctx = PyUnicode_Substring(text, a, c.nw >= 0 ? c.nw + 1 : c.g2e);
    if (ctx == NULL) return -1;
    PyObject *r = PyObject_CallOneArg(contains_break, ctx);
    Py_DECREF(ctx);
    if (r == NULL) return -1;
    int brk = PyObject_IsTrue(r);
    Py_DECREF(r);
    return brk;
}

/* One line text[lo:hi] (no line breaks), its length without trailing spaces ``end`` (from lo);
 * appends its sentence spans (offsets into the text, leading spaces included) to *out. */
static int line_spans(PyObject *text, int kind, const void *data, Py_ssize_t lo, Py_ssize_t hi, Py_ssize_t end,
                      PyObject *abbrev, PyObject *contains_break, qspan **out, Py_ssize_t *n_out, Py_ssize_t *cap_out) {
    qspan *cuts = NULL;
    Py_ssize_t n_cuts = 0, cap_cuts = 0, last = lo, w_start = lo, w_stop = lo;
    cand prev = {-1, -1, -1, -1};
    int ok = -1;
#define RD(i) PyUnicode_READ(kind, data, (i))
    /* candidates: ".", "?" or "!" followed by a word-ending character, or by spaces and a token;
     * each is decided once the next one shows where its words end (sentences.py's _line_spans) */
    for (Py_ssize_t p = next_stop(kind, data, lo, hi); p <= hi; p = p < hi ? next_stop(kind, data, p + 1, hi) : hi + 1) {
        cand c = {-1, -1, -1, -1}, d = prev; /* (p: the next ".", "?" or "!", then hi) */
        Py_ssize_t a = w_start, b = w_stop;
        if (p < hi) {
            Py_UCS4 ch = RD(p);
            if (ch != '.' && ch != '?' && ch != '!') continue;
            if (p + 1 < hi && is_ends_word(RD(p + 1))) {
                c.pos = p; c.nw = p + 1;
            } else if (p + 1 < hi && is_ws(RD(p + 1))) {
                Py_ssize_t q = p + 1;
                while (q < hi && is_ws(RD(q))) q++;
                if (q < hi) {
                    Py_ssize_t r = q;
                    while (r < hi && !is_ws(RD(r))) r++;
                    c.pos = p; c.g2s = q; c.g2e = r;
                }
            }
            if (c.pos < 0) continue;
            /* its words: from the last ASCII space after the previous candidate, or (none in
             * between: "U.S.") from where the previous candidate's words began, which is then
             * not decided */
            Py_ssize_t space = -1;
            for (Py_ssize_t k = p - 1; k >= w_stop; k--)
                if (is_ascii_space(RD(k))) { space = k; break; }
            Py_ssize_t start = space > w_stop ? space + 1 : w_start;
            if (w_stop > start) d.pos = -1;
            prev = c; w_start = start; w_stop = p;
        }
        if (d.pos < 0) continue;
        int brk = ends_sentence(text, kind, data, d, a, b, abbrev, contains_break);
        if (brk < 0) goto done;
        if (brk) {
            if (push_span(&cuts, &n_cuts, &cap_cuts, last, d.pos + 1) < 0) { PyErr_NoMemory(); goto done; }
            last = d.g2s >= 0 ? d.g2s : d.pos + 1;
        }
    }
    if (push_span(&cuts, &n_cuts, &cap_cuts, last, lo + end) < 0) { PyErr_NoMemory(); goto done; }
    /* closing marks at the start of a sentence go with the one before */
    {
        Py_ssize_t shift = 0;
        for (Py_ssize_t k = 0; k < n_cuts; k++) {
            Py_ssize_t a = cuts[k].a + shift, b = cuts[k].b;
            if (k + 1 < n_cuts) {
                Py_ssize_t na = cuts[k + 1].a, nb = cuts[k + 1].b, E = na > nb ? na : nb, m_end = -1, closed = -1;
                for (Py_ssize_t j = na; j < E && is_closing(RD(j)); j++) { /* lazily: the fewest marks */
                    Py_ssize_t q = j + 1;
                    if (q < E && is_ws(RD(q))) {
                        Py_ssize_t r = q;
                        while (r < E && is_ws(RD(r))) r++;
                        closed = q; m_end = r;
                        break;
                    }
                    if (q + 2 <= E && RD(q) == '-' && RD(q + 1) == '-') { closed = q; m_end = q; break; }
                    if (q == E) { closed = q; m_end = q; break; }
                }
                if (m_end >= 0) {
                    if (push_span(out, n_out, cap_out, a, closed) < 0) { PyErr_NoMemory(); goto done; }
                    shift = m_end - na;
                    continue;
                }
                shift = 0;
            }
            if (b > a && push_span(out, n_out, cap_out, a, b) < 0) { PyErr_NoMemory(); goto done; }
        }
    }
    ok = 0;
done:
    PyMem_Free(cuts);
    return ok;
#undef RD
}

static PyObject *sentence_spans_c(PyObject *self, PyObject *args) {
    PyObject *text, *within, *abbrev, *contains_break;
    if (!PyArg_ParseTuple(args, "UOOO", &text, &within, &abbrev, &contains_break)) return NULL;
    if (within != Py_None && !PyList_Check(within)) { PyErr_SetString(PyExc_TypeError, "within: a list or None"); return NULL; }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), n_w = 0, n_out = 0, cap_out = 0, n_sp = 0, cap_sp = 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t *w = NULL;
    qspan *out = NULL, *spans = NULL;
    PyObject *result = NULL;
    if (within != Py_None) {
        n_w = PyList_GET_SIZE(within);
        w = PyMem_New(Py_ssize_t, n_w + 1);
        if (w == NULL) { PyErr_NoMemory(); goto done; }
        for (Py_ssize_t k = 0; k < n_w; k++) {
            w[k] = as_offset(PyList_GET_ITEM(within, k));
            if (w[k] == -1 && PyErr_Occurred()) goto done;
        }
    }
    Py_ssize_t kw = 0;
    for (Py_ssize_t i = 0; i < n;) {
        i = next_non_break(kind, data, i, n);
        if (i >= n) break;
        Py_ssize_t lo = i;
        i = next_break(kind, data, i, n);
        Py_ssize_t hi = i;
        if (w != NULL) { /* only lines holding one of the sorted offsets */
            while (kw < n_w && w[kw] < lo) kw++;
            if (kw == n_w || w[kw] >= hi) continue;
        }
        Py_ssize_t last = hi; /* length without trailing spaces (str.rstrip) */
        while (last > lo && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, last - 1))) last--;
        if (last == lo) continue; /* blank */
        int has_end = last - 1 > lo && next_stop(kind, data, lo, last - 1) < last - 1;
        n_sp = 0;
        if (has_end) {
            if (line_spans(text, kind, data, lo, hi, last - lo, abbrev, contains_break, &spans, &n_sp, &cap_sp) < 0) goto done;
        } else if (push_span(&spans, &n_sp, &cap_sp, lo, last) < 0) { PyErr_NoMemory(); goto done; }
        for (Py_ssize_t k = 0; k < n_sp; k++) {
            Py_ssize_t a = spans[k].a, b = spans[k].b;
            while (a < b && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, a))) a++; /* (leading spaces not kept) */
            if (b > a && push_span(&out, &n_out, &cap_out, a, b) < 0) { PyErr_NoMemory(); goto done; }
        }
    }
    result = span_list(out, NULL, n_out);
done:
    PyMem_Free(w); PyMem_Free(out); PyMem_Free(spans);
    return result;
}

/* Whether every one of the sorted points lies in one of the sorted, disjoint (start, end) spans
 * (framing/voice.py's _all_inside). */
static PyObject *all_inside(PyObject *self, PyObject *args) {
    PyObject *spans, *points;
    if (!PyArg_ParseTuple(args, "O!O!", &PyList_Type, &spans, &PyList_Type, &points)) return NULL;
    Py_ssize_t ns = 0, np_ = PyList_GET_SIZE(points), k = 0;
    qspan *sp = spans_of(spans, &ns);
    if (sp == NULL) return NULL;
    int ok = 1;
    for (Py_ssize_t j = 0; j < np_ && ok; j++) {
        Py_ssize_t p = as_offset(PyList_GET_ITEM(points, j));
        if (p == -1 && PyErr_Occurred()) { PyMem_Free(sp); return NULL; }
        while (k < ns && sp[k].b <= p) k++;
        ok = k < ns && p >= sp[k].a;
    }
    PyMem_Free(sp);
    return PyBool_FromLong(ok);
}

/* The attribution rules of framing/voice.py (_attributions_py, the reference: the rule comments
 * there say what each finds), over the tokens of a _Doc: the same regions, sources and rule names,
 * in the same order. Text is read by offsets (no slice per gap); words and phrases are the Python
 * strings and sets of the Attribution, looked up as Python does. */
typedef struct {
    PyObject *text;
    int kind;
    const void *data;
    Py_ssize_t len, n;             /* text length, tokens */
    const Py_ssize_t *ts, *te;     /* token starts and ends (tokarr_of's) */
    Py_ssize_t *first;             /* end of the token before a region's first token */
    PyObject *words;               /* a tuple copy of the caller's list of words (NULL: words made when read) */
    PyObject **witems;             /* its items, or the words made so far (NULL: not yet) */
    uint8_t *inq;                  /* token inside a quotation */
    charset cc_quote, clause;      /* character sets: _CLAUSE_OR_QUOTE, _CLAUSE_CHARS */
    charset ap;                    /* the apostrophes, and low: where words are made when read (word_at's) */
    PyObject *low;
    struct stashed *err;           /* the first error met making a word */
    Py_ssize_t *made, *n_made;     /* the tokens whose words were made (witems set), and how many */
} adoc;

/* The words that attributions makes as it reads (adoc_word): an array of NULLs kept from call to
 * call, as long as the most tokens read yet, and the tokens whose words a call set, which it sets
 * back to NULL at its end (an array zeroed for every text, and a pass over all of it at its end,
 * were 1 % of score). A call that starts while another holds them (from Python code that the other
 * runs, in this thread or another) has arrays of its own. */
static PyObject **wpool_items;
static Py_ssize_t *wpool_made, wpool_cap;
static int wpool_busy;

static int wpool_reserve(Py_ssize_t need) { /* room for need tokens: 0, -1 (no error set) */
    if (need <= wpool_cap) return 0;
    Py_ssize_t cap = need > 2 * wpool_cap ? need : 2 * wpool_cap;
    if ((size_t)cap > PY_SSIZE_T_MAX / sizeof(PyObject *)) return -1;
    PyObject **items = PyMem_Realloc(wpool_items, (size_t)cap * sizeof(PyObject *));
    if (items == NULL) return -1;
    memset(items + wpool_cap, 0, (size_t)(cap - wpool_cap) * sizeof(PyObject *)); /* (the rest are NULL) */
    wpool_items = items;
    Py_ssize_t *made = PyMem_Realloc(wpool_made, (size_t)cap * sizeof(Py_ssize_t));
    if (made == NULL) { /* (the items keep their larger size: cap grows next time) */
        return -1;
    }
    wpool_made = made;
    wpool_cap = cap;
    return 0;
}

struct stashed { PyObject *type, *value, *tb; };
static PyObject *s_ly, *s_ing, *s_that, *s_empty, *s_as; /* (made once, by voice_words) */

#define NO_FIRST PY_SSIZE_T_MIN
/* (first is NULL where no token has an end of the token before it of its own: a text tokenised
 * whole, which then needs no array of them) */
#define FIRST(d, i) ((d)->first != NULL ? (d)->first[(i)] : NO_FIRST)

/* Token i's word (a borrowed reference), made when first read where the caller gave no words (the
 * rules read the words near a few tokens: making every token's word was a third of tokenising). A
 * word that cannot be made reads as "", which matches nothing; its error is raised at the end. */
static PyObject *adoc_word(const adoc *d, Py_ssize_t i) {
    PyObject *w = word_at(d->text, &d->ap, d->low, d->ts[i], d->te[i]);
    if (w == NULL) {
        if (d->err->type == NULL) PyErr_Fetch(&d->err->type, &d->err->value, &d->err->tb);
        else PyErr_Clear();
        w = (Py_INCREF(s_empty), s_empty);
    }
    d->witems[i] = w;
    d->made[(*d->n_made)++] = i;
    return w;
}
#define WORD(d, i) ((d)->witems[(i)] != NULL ? (d)->witems[(i)] : adoc_word((d), (i)))

/* A _Doc's words as the C readings take them: a list of str, or (apostrophes, low) for words made
 * from the text when read (word_at): 0 for a list, 1 for that, -1 (an error) for anything else. */
static int lazy_words(PyObject *words, const char *fn, PyObject **apos, PyObject **low) {
    if (PyList_Check(words)) return 0;
    if (PyTuple_Check(words) && PyTuple_GET_SIZE(words) == 2 && PyUnicode_Check(PyTuple_GET_ITEM(words, 0)) &&
        PyCallable_Check(PyTuple_GET_ITEM(words, 1))) {
        *apos = PyTuple_GET_ITEM(words, 0);
        *low = PyTuple_GET_ITEM(words, 1);
        return 1;
    }
    PyErr_Format(PyExc_TypeError, "%s: words must be a list of str, or (apostrophes, low) to make them", fn);
    return -1;
}

static PyObject *words_slice(const adoc *d, Py_ssize_t a, Py_ssize_t b) { /* tuple(words[a:b]), a new reference */
    PyObject *t = PyTuple_New(b - a);
    if (t == NULL) return NULL;
    for (Py_ssize_t k = a; k < b; k++) {
        Py_INCREF(WORD(d, k));
        PyTuple_SET_ITEM(t, k - a, WORD(d, k));
    }
    return t;
}
#define CH(d, p) PyUnicode_READ((d)->kind, (d)->data, (p))

static Py_ssize_t gap_lo(const adoc *d, Py_ssize_t i) { /* _Doc.gap_before(i) is text[gap_lo(i):ts[i]] */
    Py_ssize_t a = FIRST(d, i) != NO_FIRST ? FIRST(d, i) : (i > 0 ? d->te[i - 1] : 0);
    return a > 0 ? a : 0;
}

static int gap_has(const adoc *d, Py_ssize_t i, const charset *set) { /* not set.isdisjoint(gap_before(i)) */
    for (Py_ssize_t p = gap_lo(d, i); p < d->ts[i]; p++)
        if (in_charset(set, CH(d, p))) return 1;
    return 0;
}

static int gap_has_char(const adoc *d, Py_ssize_t i, Py_UCS4 c) {
    for (Py_ssize_t p = gap_lo(d, i); p < d->ts[i]; p++)
        if (CH(d, p) == c) return 1;
    return 0;
}

/* gap_before(i).strip() as offsets [*a, *b) */
static void gap_strip(const adoc *d, Py_ssize_t i, Py_ssize_t *a, Py_ssize_t *b) {
    Py_ssize_t lo = gap_lo(d, i), hi = d->ts[i];
    if (hi < lo) hi = lo; /* (an empty gap, as the empty slice) */
    while (lo < hi && Py_UNICODE_ISSPACE(CH(d, lo))) lo++;
    while (hi > lo && Py_UNICODE_ISSPACE(CH(d, hi - 1))) hi--;
    *a = lo;
    *b = hi;
}

static int joined(const adoc *d, Py_ssize_t i) { /* _Doc._joined */
    if (FIRST(d, i) != NO_FIRST) return 0;
    Py_ssize_t lo = d->te[i - 1], hi = d->ts[i];
    if (hi - lo == 1 && CH(d, lo) == '-') return 1;
    for (Py_ssize_t p = lo; p < hi; p++)
        if (!Py_UNICODE_ISSPACE(CH(d, p))) return 0;
    return 1;
}

static Py_ssize_t tok_index(const adoc *d, Py_ssize_t pos) { /* first token starting at or after pos */
    Py_ssize_t lo = 0, hi = d->n;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (d->ts[mid] < pos) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* tok_index(d, pos), searched forward from the token ``hint`` (the answer for an earlier position:
 * the sentences and quotations of a text come in order, and a bisection of all tokens for each
 * was a fifth of this reading's own time); any hint gives the same answer. */
static Py_ssize_t tok_index_from(const adoc *d, Py_ssize_t pos, Py_ssize_t hint) {
    if (hint < 0 || hint > d->n || (hint > 0 && d->ts[hint - 1] >= pos)) return tok_index(d, pos);
    Py_ssize_t lo = hint, hi = hint, step = 1; /* (the answer is at hint or after: gallop, then bisect) */
    while (hi < d->n && d->ts[hi] < pos) {
        lo = hi + 1;
        hi += step;
        step *= 2;
    }
    if (hi > d->n) hi = d->n;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (d->ts[mid] < pos) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static int word_in(PyObject *set, PyObject *w) { return PySet_Contains(set, w); }


static int voice_words(void) { /* the words above, made on the first call: 0, -1 on error */
    if (s_as != NULL) return 0;
    if ((s_ly = PyUnicode_InternFromString("ly")) == NULL || (s_ing = PyUnicode_InternFromString("ing")) == NULL ||
        (s_that = PyUnicode_InternFromString("that")) == NULL || (s_empty = PyUnicode_InternFromString("")) == NULL ||
        (s_as = PyUnicode_InternFromString("as")) == NULL) {
        Py_CLEAR(s_ly);
        Py_CLEAR(s_ing);
        Py_CLEAR(s_that);
        Py_CLEAR(s_empty);
        return -1;
    }
    return 0;
}

static int word_ends(PyObject *w, PyObject *suffix) { /* w.endswith(suffix) */
    return (int)PyUnicode_Tailmatch(w, suffix, 0, PY_SSIZE_T_MAX, 1);
}

/* A set of phrases (tuples of words) as the readings match them: the set and framing/voice.py's
 * _phrase_shape of it, i.e. its first words, the lengths of its phrases of 2-4 words (longest
 * first), the second words of those of two or more, the words of those of one. The next word of
 * a first word is looked up in the second words before a tuple of words is made and looked up for
 * each length (those tuples were a third of reading the rules; most first words, "said", have no
 * phrase going on from them). */
typedef struct {
    PyObject *phrases, *firsts, *lengths, *seconds, *singles;
} pshape;

#define PSHAPE_FORMAT "OOO!OO"
#define PSHAPE_ARGS(p) &(p).phrases, &(p).firsts, &PyTuple_Type, &(p).lengths, &(p).seconds, &(p).singles

static int pshape_ok(const pshape *p) { /* the four sets are sets */
    return PyAnySet_Check(p->phrases) && PyAnySet_Check(p->firsts) && PyAnySet_Check(p->seconds) &&
           PyAnySet_Check(p->singles);
}

/* _Doc.match_at(i, phrases) for the phrases of sh */
static Py_ssize_t match_at(const adoc *d, Py_ssize_t i, const pshape *sh) {
    if (i >= d->n) return 0;
    PyObject *w = WORD(d, i);
    int r = word_in(sh->firsts, w);
    if (r <= 0) return r;
    if (i > 0 && d->ts[i] - gap_lo(d, i) == 1 && CH(d, gap_lo(d, i)) == '-') return 0; /* "self-styled" */
    int second = -2; /* whether the next word is a second word (-2: not looked up yet) */
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(sh->lengths); k++) {
        Py_ssize_t len = PyLong_AsSsize_t(PyTuple_GET_ITEM(sh->lengths, k));
        if (len < 0 && PyErr_Occurred()) return -1;
        if (i + len > d->n) continue;
        if (len >= 2 && second == -2 && (second = word_in(sh->seconds, WORD(d, i + 1))) < 0) return -1;
        if (len >= 2 && !second) continue; /* (no phrase of two words or more has it second) */
        PyObject *tup = words_slice(d, i, i + len);
        if (tup == NULL) return -1;
        r = PySet_Contains(sh->phrases, tup);
        Py_DECREF(tup);
        if (r < 0) return -1;
        if (r) {
            int all = 1;
            for (Py_ssize_t m = 1; m < len && all; m++) all = joined(d, i + m);
            if (all) return len;
        }
    }
    r = word_in(sh->singles, w); /* (w,) in phrases */
    return r < 0 ? -1 : r;
}

/* _noun_phrase_before(d, i, sent_start): token range [*j, *k), or 0 when empty; -1 on error */
static int noun_phrase(const adoc *d, Py_ssize_t i, Py_ssize_t sa, PyObject *np_lead, PyObject *aux,
                       Py_ssize_t *jo, Py_ssize_t *ko) {
    Py_ssize_t j = i;
    while (j > 0 && i - j < 6 && d->ts[j - 1] >= sa) {
        if (gap_has(d, j, &d->cc_quote)) break;
        j--;
    }
    while (j < i) {
        int r = word_in(np_lead, WORD(d, j));
        if (r < 0) return -1;
        if (!r) break;
        j++;
    }
    Py_ssize_t k = i;
    while (k > j) {
        PyObject *w = WORD(d, k - 1);
        int r = word_in(aux, w);
        if (r < 0) return -1;
        if (!r) {
            r = word_ends(w, s_ly);
            if (r < 0) return -1;
        }
        if (!r) break;
        k--;
    }
    *jo = j;
    *ko = k;
    return j < k;
}

/* _clause_start(d, i, sent_start) */
static Py_ssize_t clause_start(const adoc *d, Py_ssize_t i, Py_ssize_t sa) {
    Py_ssize_t first = tok_index(d, sa);
    if (i <= first) return i;
    Py_ssize_t lo = d->te[first], hi = d->ts[i], at = -1;
    for (Py_ssize_t p = hi - 1; p >= lo; p--)
        if (in_charset(&d->clause, CH(d, p))) {
            at = p;
            break;
        }
    if (at < 0) return first;
    return tok_index(d, at + 1); /* bisect_right(starts, at) */
}

static PyObject *phrase_text(const adoc *d, Py_ssize_t a, Py_ssize_t b) { /* _phrase_text: tokens [a, b) */
    return PyUnicode_Substring(d->text, d->ts[a], d->te[b - 1]);
}

/* The rule's name as an interned str, a new reference: made once for each of the few names */
static PyObject *rule_name(const char *rule) {
    static const char *keys[8];
    static PyObject *names[8];
    for (int k = 0; k < 8; k++) {
        if (keys[k] == NULL) {
            if ((names[k] = PyUnicode_InternFromString(rule)) == NULL) return NULL;
            keys[k] = rule;
        }
        if (keys[k] == rule) return Py_NewRef(names[k]);
    }
    return PyUnicode_InternFromString(rule); /* (more names than slots: made each time) */
}

/* The row (a, b, src, rule) appended to out: 0, -1 on error; src (a new reference, or NULL for an
 * error already set) is taken over */
static int emit(PyObject *out, Py_ssize_t a, Py_ssize_t b, PyObject *src, const char *rule) {
    if (src == NULL) return -1;
    PyObject *x = offset_int(a), *y = x != NULL ? offset_int(b) : NULL, *name = y != NULL ? rule_name(rule) : NULL;
    PyObject *row = name != NULL ? PyTuple_New(4) : NULL;
    if (row == NULL) {
        Py_XDECREF(x);
        Py_XDECREF(y);
        Py_XDECREF(name);
        Py_DECREF(src);
        return -1;
    }
    PyTuple_SET_ITEM(row, 0, x);
    PyTuple_SET_ITEM(row, 1, y);
    PyTuple_SET_ITEM(row, 2, src);
    PyTuple_SET_ITEM(row, 3, name);
    int r = PyList_Append(out, row);
    Py_DECREF(row);
    return r;
}

static int read_span(PyObject *span, const char *what, Py_ssize_t *a, Py_ssize_t *b) { /* (a, b) of a tuple */
    if (!PyTuple_Check(span) || PyTuple_GET_SIZE(span) != 2) {
        PyErr_Format(PyExc_TypeError, "%s are (start, end) tuples", what);
        return -1;
    }
    *a = as_offset(PyTuple_GET_ITEM(span, 0));
    if (*a == -1 && PyErr_Occurred()) return -1; /* (the second's __index__ must not run with it set) */
    *b = as_offset(PyTuple_GET_ITEM(span, 1));
    return *b == -1 && PyErr_Occurred() ? -1 : 0;
}

static PyObject *attributions(PyObject *self, PyObject *args) {
    PyObject *text, *starts, *ends, *words, *first_map, *quotes, *sents, *tables, *hits = Py_None;
    if (!PyArg_ParseTuple(args, "UOOOO!O!O!O!|O", &text, &starts, &ends, &words, &PyDict_Type, &first_map,
                          &PyList_Type, &quotes, &PyList_Type, &sents, &PyTuple_Type, &tables, &hits))
        return NULL;
    PyObject *apos = NULL, *low = NULL;
    int lazy = lazy_words(words, "attributions", &apos, &low);
    if (lazy < 0) return NULL;
    if (hits != Py_None && !PyList_Check(hits)) {
        PyErr_SetString(PyExc_TypeError, "attributions: hits must be a list of token indexes (or None)");
        return NULL;
    }
    pshape phrases, naming, speech;
    PyObject *rule_firsts, *particles, *pronouns, *aux, *np_lead, *conj, *cc_quote, *clause, *comma_colon,
        *naming_stops, *quote_set;
    if (!PyArg_ParseTuple(tables, PSHAPE_FORMAT PSHAPE_FORMAT PSHAPE_FORMAT "OOOOOOUUUUU", PSHAPE_ARGS(phrases),
                          PSHAPE_ARGS(naming), PSHAPE_ARGS(speech), &rule_firsts, &particles, &pronouns, &aux, &np_lead,
                          &conj, &cc_quote, &clause, &comma_colon, &naming_stops, &quote_set))
        return NULL;
    if (!pshape_ok(&phrases) || !pshape_ok(&naming) || !pshape_ok(&speech)) {
        PyErr_SetString(PyExc_ValueError, "attributions: the tables' phrases and words must be sets");
        return NULL;
    }
    if (voice_words() < 0) return NULL;
    struct stashed err = {NULL, NULL, NULL};
    Py_ssize_t n_made = 0; /* (before any goto: the end reads them) */
    int pooled = 0;
    Py_ssize_t n_starts = PyObject_Length(starts), n_ends = n_starts < 0 ? -1 : PyObject_Length(ends);
    if (n_ends < 0) return NULL;
    adoc d = {text, PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text), n_starts,
              NULL, NULL, NULL, NULL, NULL, NULL, charset_of(cc_quote), charset_of(clause),
              charset_of(lazy ? apos : s_empty), low, &err};
    charset cs_comma_colon = charset_of(comma_colon), cs_naming_stops = charset_of(naming_stops),
            cs_quote_set = charset_of(quote_set);
    PyObject *out = NULL, *last_subject = NULL, *firsts = NULL, *hits_t = NULL;
    Py_ssize_t *cand = NULL, n_cand = 0;
    if ((!lazy && (!PyList_Check(words) || PyList_GET_SIZE(words) != d.n)) || n_ends != d.n) {
        PyErr_SetString(PyExc_ValueError, "attributions: as many words and ends as token starts are needed");
        return NULL;
    }
    /* (copies: a word's __hash__, a set member's __eq__ or an offset's __index__ could change the
     * caller's lists; the offsets are read in place where they are a _Doc's, else copied, and
     * checked, before any lookup) */
    tokarr toks;
    if (tokarr_of(starts, ends, d.len, "attributions", &toks) < 0) {
        tokarr_release(&toks);
        return NULL;
    }
    d.n = toks.n;
    d.ts = toks.ts;
    d.te = toks.te;
    /* (copies, owned from here on: quotes and sents name them, and fail releases them) */
    PyObject *quotes_in = quotes, *sents_in = sents;
    quotes = sents = NULL;
    if ((lazy || (d.words = PySequence_Tuple(words)) != NULL) && (quotes = PySequence_Tuple(quotes_in)) != NULL &&
        (sents = PySequence_Tuple(sents_in)) != NULL)
        firsts = PyDict_Items(first_map);
    if (firsts == NULL) goto fail;
    if (!lazy && PyTuple_GET_SIZE(d.words) != d.n) { /* (an offset's __index__ changed the list of words) */
        PyErr_SetString(PyExc_ValueError, "attributions: as many words and ends as token starts are needed");
        goto fail;
    }
    if (hits != Py_None && (hits_t = PySequence_Tuple(hits)) == NULL) goto fail; /* (a copy, as the others) */
    Py_ssize_t n_look = hits_t == NULL ? d.n : PyTuple_GET_SIZE(hits_t), prev = -1;
    if (!lazy) {
        d.witems = PySequence_Fast_ITEMS(d.words);
    } else if (!wpool_busy && wpool_reserve(d.n + 1) == 0) {
        pooled = wpool_busy = 1;
        d.witems = wpool_items;
        d.made = wpool_made;
    } else {
        d.witems = PyMem_Calloc(d.n + 1, sizeof(PyObject *));
        d.made = PyMem_New(Py_ssize_t, d.n + 1);
    }
    d.n_made = &n_made;
    d.first = PyList_GET_SIZE(firsts) > 0 ? PyMem_New(Py_ssize_t, d.n + 1) : NULL;
    d.inq = PyMem_Calloc(d.n + 1, 1);
    cand = PyMem_New(Py_ssize_t, (n_look < d.n ? n_look : d.n) + 1); /* (among the tokens looked at: distinct) */
    if ((d.first == NULL && PyList_GET_SIZE(firsts) > 0) || d.inq == NULL || cand == NULL || d.witems == NULL ||
        (lazy && d.made == NULL)) {
        PyErr_NoMemory();
        goto fail;
    }
    for (Py_ssize_t i = 0; !lazy && i < d.n; i++)
        if (!PyUnicode_Check(d.witems[i])) {
            PyErr_SetString(PyExc_TypeError, "attributions: words are str");
            goto fail;
        }
    for (Py_ssize_t i = 0; d.first != NULL && i < d.n; i++) d.first[i] = NO_FIRST;
    for (Py_ssize_t f = 0; f < PyList_GET_SIZE(firsts); f++) {
        Py_ssize_t k, v;
        if (read_span(PyList_GET_ITEM(firsts, f), "first items", &k, &v) < 0) goto fail;
        if (k < 0 || k >= d.n) continue; /* (no such token: never read) */
        d.first[k] = v < -1 ? -1 : v;   /* (every negative value reads as the text's start) */
    }
    Py_ssize_t hint = 0; /* (tok_index_from's) */
    for (Py_ssize_t q = 0; q < PyTuple_GET_SIZE(quotes); q++) {
        Py_ssize_t qa, qb;
        if (read_span(PyTuple_GET_ITEM(quotes, q), "quotations", &qa, &qb) < 0) goto fail;
        Py_ssize_t t = tok_index_from(&d, qa, hint), e = tok_index_from(&d, qb, t);
        for (hint = e; t < e; t++) d.inq[t] = 1;
    }
    /* the tokens whose word starts a rule: among ``hits`` when given (the tokens whose word is in a
     * set holding every rule's first word, as tokens_of finds them: a lookup per token here cost a
     * fifth of this function), else among all */
    for (Py_ssize_t k = 0; k < n_look; k++) {
        Py_ssize_t i = k;
        if (hits_t != NULL) {
            PyObject *h = PyTuple_GET_ITEM(hits_t, k);
            i = PyLong_CheckExact(h) ? PyLong_AsSsize_t(h) : -1;
            int bad_hit = i < 0 || i >= d.n || i <= prev;
            prev = i;
            if (bad_hit) {
                if (!PyErr_Occurred())
                    PyErr_SetString(PyExc_ValueError, "attributions: hits must be increasing token indexes");
                goto fail;
            }
        }
        int r = word_in(rule_firsts, WORD(&d, i));
        if (r < 0) goto fail;
        if (r) cand[n_cand++] = i;
    }
    out = PyList_New(0);
    last_subject = (Py_INCREF(s_empty), s_empty);
    if (out == NULL || last_subject == NULL) goto fail;
    hint = 0;
    for (Py_ssize_t s = 0; s < PyTuple_GET_SIZE(sents); s++) {
        Py_ssize_t sa, sb;
        if (read_span(PyTuple_GET_ITEM(sents, s), "sentences", &sa, &sb) < 0) goto fail;
        Py_ssize_t ti = tok_index_from(&d, sa, hint), tj = tok_index_from(&d, sb, ti);
        hint = tj;
        if (ti >= tj) continue;
        /* headline */
        Py_ssize_t last = ti + 5 < tj - 1 ? ti + 5 : tj - 1;
        int at_line_start = sa == 0;
        if (sa != 0) { /* text[sa - 1] in "\n\r", negative indexes from the end as in Python */
            Py_ssize_t at = sa > 0 ? sa - 1 : (sa >= -d.len ? sa + (d.len - 1) : -1); /* (no overflow) */
            if (at < 0 || at >= d.len) {
                PyErr_Format(PyExc_IndexError, "attributions: sentence start %zd is outside the text", sa);
                goto fail;
            }
            at_line_start = CH(&d, at) == '\n' || CH(&d, at) == '\r';
        }
        at_line_start = at_line_start && last > ti;
        Py_ssize_t stop = ti;
        if (at_line_start) {
            for (Py_ssize_t p = d.te[ti]; p < d.ts[last]; p++)
                if (CH(&d, p) == ':') {
                    stop = last;
                    break;
                }
        }
        for (Py_ssize_t k = ti; k < stop; k++) {
            Py_ssize_t a, b;
            gap_strip(&d, k + 1, &a, &b);
            if (b - a == 1 && CH(&d, a) == ':') {
                if (Py_UNICODE_ISUPPER(CH(&d, d.ts[ti])) &&
                    emit(out, d.ts[k + 1], sb, phrase_text(&d, ti, k + 1), "headline") < 0)
                    goto fail;
                break;
            }
            if (b > a) break;
        }
        Py_ssize_t i = ti;
        Py_SETREF(last_subject, (Py_INCREF(s_empty), s_empty));
        if (last_subject == NULL) goto fail;
        /* the candidates of this sentence: cand[c] in [ti, tj) */
        Py_ssize_t c = 0, lo = 0, hi = n_cand;
        while (lo < hi) {
            Py_ssize_t mid = (lo + hi) / 2;
            if (cand[mid] < ti) lo = mid + 1;
            else hi = mid;
        }
        for (c = lo; c < n_cand && cand[c] < tj; c++) {
            if (cand[c] < i) continue;
            i = cand[c];
            if (d.inq[i]) continue;
            PyObject *w = WORD(&d, i);
            Py_ssize_t n = 0;
            int r = word_in(phrases.firsts, w);
            if (r < 0) goto fail;
            if (r && (n = match_at(&d, i, &phrases)) < 0) goto fail;
            if (n) { /* according to */
                int lead = i == ti;
                if (!lead && i == ti + 1) {
                    r = word_in(conj, WORD(&d, ti));
                    if (r < 0) goto fail;
                    lead = r;
                }
                if (lead) {
                    Py_ssize_t k = i + n;
                    while (k < tj && !gap_has(&d, k, &cs_comma_colon)) k++;
                    if (k < tj && emit(out, d.ts[k], sb, k > i + n ? phrase_text(&d, i + n, k) : (Py_INCREF(s_empty), s_empty),
                                       "according_to") < 0)
                        goto fail;
                }
                i += n;
                continue;
            }
            r = word_in(naming.firsts, w);
            if (r < 0) goto fail;
            if (r && (n = match_at(&d, i, &naming)) < 0) goto fail;
            if (n && i + n < tj) {
                r = word_in(particles, WORD(&d, i + n));
                if (r < 0) goto fail;
                if (r) n = 0;
            }
            if (n) { /* naming */
                Py_ssize_t k = i + n;
                while (k < tj && !gap_has(&d, k, &cs_naming_stops) && !d.inq[k]) k++;
                if (k > i + n) {
                    Py_ssize_t j0, k0;
                    int has = noun_phrase(&d, i, sa, np_lead, aux, &j0, &k0);
                    if (has < 0) goto fail;
                    PyObject *src = has ? phrase_text(&d, j0, k0) : (Py_INCREF(s_empty), s_empty);
                    if (src == NULL) goto fail;
                    if (!has || gap_has_char(&d, i, ',')) {
                        int ing = word_ends(WORD(&d, i), s_ing);
                        if (ing < 0) {
                            Py_DECREF(src);
                            goto fail;
                        }
                        if (ing) {
                            if (PyUnicode_GET_LENGTH(last_subject)) {
                                Py_INCREF(last_subject);
                                Py_SETREF(src, last_subject);
                            } else {
                                r = word_in(pronouns, WORD(&d, ti));
                                if (r < 0) {
                                    Py_DECREF(src);
                                    goto fail;
                                }
                                if (r) Py_SETREF(src, PyUnicode_Substring(text, d.ts[ti], d.te[ti]));
                                if (src == NULL) goto fail;
                            }
                        }
                    }
                    if (PyUnicode_GET_LENGTH(src)) {
                        Py_INCREF(src);
                        Py_SETREF(last_subject, src);
                    }
                    if (emit(out, d.ts[i + n], d.te[k - 1], src, "naming") < 0) goto fail;
                }
                i += n;
                continue;
            }
            r = word_in(speech.firsts, w);
            if (r < 0) goto fail;
            if (r && (n = match_at(&d, i, &speech)) < 0) goto fail;
            if (n) { /* speech */
                Py_ssize_t j0 = 0, k0 = 0, after = i + n;
                int subj = noun_phrase(&d, i, sa, np_lead, aux, &j0, &k0);
                if (subj < 0) goto fail;
                Py_ssize_t ga = 0, gb = 0;
                if (after < tj) gap_strip(&d, after, &ga, &gb);
                int after_end = after >= tj || gb == ga || (gb - ga == 1 && CH(&d, ga) == '.');
                int trailing_tag = i > ti && gap_has_char(&d, subj ? j0 : i, ',') && after_end && tj - i <= 8;
                if (trailing_tag || (!subj && i > ti && gap_has_char(&d, i, ','))) {
                    Py_ssize_t tag_start = subj ? j0 : i;
                    Py_ssize_t cl = tag_start > ti ? clause_start(&d, tag_start - 1, sa) : ti;
                    while (cl > ti && !d.inq[cl - 1]) cl = clause_start(&d, cl - 1, sa);
                    if (tag_start > cl) {
                        PyObject *src = subj ? phrase_text(&d, j0, k0)
                                             : (after < tj ? phrase_text(&d, after, tj) : (Py_INCREF(s_empty), s_empty));
                        if (emit(out, d.ts[cl], d.te[tag_start - 1], src, "speech_tag") < 0) goto fail;
                    }
                } else if (after < tj && subj && !gap_has(&d, after, &cs_quote_set)) {
                    if (!d.inq[after]) {
                        Py_ssize_t body = after;
                        if (after + 1 < tj) {
                            r = PyUnicode_Compare(WORD(&d, after), s_that);
                            if (r == -1 && PyErr_Occurred()) goto fail;
                            if (r == 0) body = after + 1;
                        }
                        if (emit(out, d.ts[body], sb, phrase_text(&d, j0, k0), "reported_speech") < 0) goto fail;
                    }
                }
                i += n;
                continue;
            }
            i += 1;
        }
    }
    goto done;
fail:
    Py_CLEAR(out);
done:
    if (err.type != NULL) { /* a word that could not be made (read as ""): its error, not the result */
        if (out != NULL) {
            Py_CLEAR(out);
            PyErr_Restore(err.type, err.value, err.tb);
        } else {
            Py_DECREF(err.type);
            Py_XDECREF(err.value);
            Py_XDECREF(err.tb);
        }
    }
    if (lazy) {
        for (Py_ssize_t k = 0; k < n_made; k++) { /* (a str's dealloc runs no Python code) */
            Py_ssize_t i = d.made[k];
            Py_DECREF(d.witems[i]);
            d.witems[i] = NULL;
        }
        if (pooled) {
            wpool_busy = 0;
            if (wpool_cap > POOL_KEEP_TOKENS) { /* (all NULL again) */
                PyMem_Free(wpool_items);
                PyMem_Free(wpool_made);
                wpool_items = NULL;
                wpool_made = NULL;
                wpool_cap = 0;
            }
        } else {
            PyMem_Free(d.witems);
            PyMem_Free(d.made);
        }
    }
    Py_XDECREF(last_subject);
    Py_XDECREF(d.words);
    Py_XDECREF(quotes);
    Py_XDECREF(sents);
    Py_XDECREF(firsts);
    Py_XDECREF(hits_t);
    tokarr_release(&toks);
    PyMem_Free(d.first);
    PyMem_Free(d.inq);
    PyMem_Free(cand);
    return out;
}

/* line_ends(buf, start, n) -> (pos, rows): from buf[start], the position just after the n-th
 * newline byte (b"\n"), or after the last one found when there are fewer (start if none), and how
 * many were found: how framing/corpus.py cuts a JSON Lines file into blocks of lines (memchr; one
 * call per block instead of a Python loop over lines: 20 against 24 ms per 200 MB). */
static PyObject *line_ends(PyObject *self, PyObject *args) {
    Py_buffer buf;
    Py_ssize_t start, n, rows = 0;
    if (!PyArg_ParseTuple(args, "y*nn", &buf, &start, &n)) return NULL;
    if (start < 0 || start > buf.len || n < 0) {
        PyBuffer_Release(&buf);
        PyErr_SetString(PyExc_ValueError, "line_ends: start must lie in the buffer and n be >= 0");
        return NULL;
    }
    const char *base = (const char *)buf.buf, *q = base + start, *end = base + buf.len;
    Py_BEGIN_ALLOW_THREADS
    while (rows < n && q < end) {
        const char *nl = memchr(q, '\n', (size_t)(end - q));
        if (nl == NULL) break;
        rows++;
        q = nl + 1;
    }
    Py_END_ALLOW_THREADS
    Py_ssize_t pos = q - base;
    PyBuffer_Release(&buf);
    return Py_BuildValue("nn", pos, rows);
}

/* read_lines(readinto, carry, want, guess) -> (block, rest, lines, eof): the next want lines of a
 * file, read once, straight into the block's own bytes (framing/corpus.py, _jsonl_blocks). carry:
 * the bytes read before past the last block's end, which start this block; readinto: the file's
 * readinto method (which must not keep the buffer it is given), called to fill the rest, guess
 * bytes in all at first (the buffer grows by half once full, while fewer than want newlines are in). block ends just after its want-th newline,
 * or at the end of the file (eof true, lines fewer than want); rest holds what was read past it. */
static PyObject *read_lines(PyObject *self, PyObject *args) {
    PyObject *readinto, *carry;
    Py_ssize_t want, guess;
    if (!PyArg_ParseTuple(args, "OSnn", &readinto, &carry, &want, &guess)) return NULL;
    Py_ssize_t kept = PyBytes_GET_SIZE(carry);
    if (want < 1 || guess < 0) {
        PyErr_SetString(PyExc_ValueError, "read_lines: want must be >= 1 and guess >= 0");
        return NULL;
    }
    Py_ssize_t cap = guess > kept + 65536 ? guess : kept + 65536, filled = kept, scanned = 0, lines = 0;
    int eof = 0;
    PyObject *block = PyBytes_FromStringAndSize(NULL, cap), *rest = NULL;
    if (block == NULL) return NULL;
    memcpy(PyBytes_AS_STRING(block), PyBytes_AS_STRING(carry), (size_t)kept);
    for (;;) {
        const char *base = PyBytes_AS_STRING(block);
        while (lines < want && scanned < filled) {
            const char *nl = memchr(base + scanned, '\n', (size_t)(filled - scanned));
            if (nl == NULL) {
                scanned = filled;
                break;
            }
            lines++;
            scanned = nl - base + 1;
        }
        if (lines == want || eof) break;
        if (filled == cap) { /* (block has no other reference yet: resized in place or moved) */
            cap += cap / 2;
            if (_PyBytes_Resize(&block, cap) < 0) return NULL;
        }
        PyObject *view = PyMemoryView_FromMemory(PyBytes_AS_STRING(block) + filled, cap - filled, PyBUF_WRITE);
        if (view == NULL) goto fail;
        PyObject *got = PyObject_CallOneArg(readinto, view);
        PyObject *err_type = NULL, *err_value = NULL, *err_tb = NULL;
        if (got == NULL) PyErr_Fetch(&err_type, &err_value, &err_tb); /* (release() runs without it) */
        /* (readinto must not keep the buffer, as a file's never does: released here, a later use of
         * the view itself fails, but a slice taken from it would not) */
        PyObject *released = PyObject_CallMethod(view, "release", NULL);
        Py_DECREF(view);
        if (got == NULL) {
            Py_XDECREF(released);
            PyErr_Clear();
            PyErr_Restore(err_type, err_value, err_tb); /* readinto's own error */
            goto fail;
        }
        if (released == NULL) {
            Py_DECREF(got);
            goto fail;
        }
        Py_DECREF(released);
        Py_ssize_t n = got == Py_None ? -1 : PyLong_AsSsize_t(got);
        Py_DECREF(got);
        if (n == -1 && PyErr_Occurred()) goto fail;
        if (n < 0) {
            PyErr_SetString(PyExc_OSError, "read_lines: readinto returned no count of bytes (a non-blocking file?)");
            goto fail;
        }
        if (n > cap - filled) {
            PyErr_Format(PyExc_OSError, "read_lines: readinto says it read %zd bytes into a buffer of %zd", n,
                         cap - filled);
            goto fail;
        }
        eof = n == 0;
        filled += n;
    }
    {
        Py_ssize_t end = lines == want ? scanned : filled;
        rest = PyBytes_FromStringAndSize(PyBytes_AS_STRING(block) + end, filled - end);
        if (rest == NULL || _PyBytes_Resize(&block, end) < 0) goto fail;
        PyObject *result = Py_BuildValue("NNni", block, rest, lines, eof);
        return result;
    }
fail:
    Py_XDECREF(block);
    Py_XDECREF(rest);
    return NULL;
}

/* voices(rows, starts, ends, ranks) -> (voice, source): framing/voice.py's _voices (the reference;
 * tests compare both). rows: (start, end, voice, source) tuples; starts, ends: lists of int offsets
 * of spans; ranks: a dict of each voice's rank. A span takes the voice and source of the row of the
 * highest rank holding its middle character (s + e - 1) // 2, the last such row among equal ranks;
 * "author" and "" where none does. (A text's rows times its mentions, each compared in C: the
 * Python loop was 7 % of score with 2,000 terms.) */
static Py_ssize_t floor_half(Py_ssize_t x, Py_ssize_t *rest) { /* x // 2 as Python; x % 2 into *rest */
    Py_ssize_t q = x / 2 - (x < 0 && x % 2 != 0);
    *rest = x - 2 * q;
    return q;
}

static Py_ssize_t middle_of(Py_ssize_t s, Py_ssize_t e) { /* (s + e - 1) // 2 as Python, without overflow */
    Py_ssize_t rs, re, q = floor_half(s, &rs) + floor_half(e, &re);
    return q - (rs + re == 0);
}

static PyObject *voices(PyObject *self, PyObject *args) {
    PyObject *rows, *starts, *ends, *ranks;
    if (!PyArg_ParseTuple(args, "O!O!O!O!", &PyList_Type, &rows, &PyList_Type, &starts, &PyList_Type, &ends,
                          &PyDict_Type, &ranks))
        return NULL;
    static PyObject *author; /* (made once) */
    if (author == NULL && (author = PyUnicode_InternFromString("author")) == NULL) return NULL;
    if (voice_words() < 0) return NULL;
    /* (the rows copied, and ranked first: a voice's __hash__ may run Python code; none runs after) */
    PyObject *own = PySequence_Tuple(rows), *voice = NULL, *source = NULL, *result = NULL;
    if (own == NULL) return NULL;
    Py_ssize_t nr = PyTuple_GET_SIZE(own), n = 0;
    Py_ssize_t *ra = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(3 * nr + 1)), *rb, *rk;
    if (ra == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    rb = ra + nr;
    rk = rb + nr;
    for (Py_ssize_t r = 0; r < nr; r++) {
        PyObject *row = PyTuple_GET_ITEM(own, r);
        if (!PyTuple_Check(row) || PyTuple_GET_SIZE(row) != 4) {
            PyErr_SetString(PyExc_TypeError, "voices: rows must be (start, end, voice, source) tuples");
            goto done;
        }
        PyObject *rank = PyDict_GetItemWithError(ranks, PyTuple_GET_ITEM(row, 2));
        if (rank == NULL) {
            if (!PyErr_Occurred()) PyErr_SetObject(PyExc_KeyError, PyTuple_GET_ITEM(row, 2));
            goto done;
        }
        rk[r] = PyLong_AsSsize_t(rank); /* (before another lookup: the dict may change) */
        if (rk[r] == -1 && PyErr_Occurred()) goto done;
        ra[r] = PyLong_AsSsize_t(PyTuple_GET_ITEM(row, 0));
        rb[r] = PyLong_AsSsize_t(PyTuple_GET_ITEM(row, 1));
        if (PyErr_Occurred()) goto done;
    }
    n = PyList_GET_SIZE(starts);
    if (PyList_GET_SIZE(ends) != n) {
        PyErr_SetString(PyExc_ValueError, "voices: starts and ends must be equally long");
        goto done;
    }
    /* rows in order of their starts (segments gives them so): none after the first that starts past
     * a middle holds it (reading every row for every mention was 1 % of score) */
    int by_start = 1;
    for (Py_ssize_t r = 1; r < nr; r++) by_start &= ra[r] >= ra[r - 1];
    if ((voice = PyList_New(n)) == NULL || (source = PyList_New(n)) == NULL) goto done;
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_ssize_t s = PyLong_AsSsize_t(PyList_GET_ITEM(starts, k)), e = PyLong_AsSsize_t(PyList_GET_ITEM(ends, k));
        if (PyErr_Occurred()) goto done;
        Py_ssize_t mid = middle_of(s, e);
        Py_ssize_t best = -1;
        for (Py_ssize_t r = 0; r < nr; r++) {
            if (ra[r] > mid) {
                if (by_start) break;
                continue;
            }
            if (mid < rb[r] && (best < 0 || rk[r] >= rk[best])) best = r;
        }
        PyObject *v = best < 0 ? author : PyTuple_GET_ITEM(PyTuple_GET_ITEM(own, best), 2);
        PyObject *src = best < 0 ? s_empty : PyTuple_GET_ITEM(PyTuple_GET_ITEM(own, best), 3);
        Py_INCREF(v);
        Py_INCREF(src);
        PyList_SET_ITEM(voice, k, v);
        PyList_SET_ITEM(source, k, src);
    }
    result = PyTuple_Pack(2, voice, source);
done:
    PyMem_Free(ra);
    Py_DECREF(own);
    Py_XDECREF(voice); /* (the unset items of a list are NULL: its dealloc skips them) */
    Py_XDECREF(source);
    return result;
}

/* flags(text, starts, ends, words, first, hits, mentions, sents, window, tables) -> (negated, hedged):
 * framing/voice.py's _flags_py (the reference; tests compare both) for the mentions starting at the
 * offsets ``mentions``, over a _Doc's tokens (starts, ends, words, first) and sentences, ``hits``
 * being the indexes of the tokens whose word may start a negator or a hedge (sorted); tables:
 * (negators, their first words, their lengths, hedges, first words, lengths, hyphenated, clause
 * characters). Only the tokens near a hit are read: a text's tokens are not converted all (as
 * attributions does), since most mentions have no hit before them. */
typedef struct {
    PyObject *text;
    int kind;
    const void *data;
    Py_ssize_t len, n;
    const Py_ssize_t *ts, *te;         /* token starts and ends (tokarr_of's) */
    PyObject *words, *first;           /* the caller's list of words (read in place) and dict; words NULL: */
    charset ap;                        /* made from the text when read, by word_at, with these */
    PyObject *low;                     /* apostrophes and low */
} fdoc;

/* An offset of token i (arr: d->ts or d->te, checked by tokarr_of), -1 with an error for no such
 * token (the readings stay within their tokens: a guard) */
static Py_ssize_t f_off(const fdoc *d, const Py_ssize_t *arr, Py_ssize_t i) {
    if (i < 0 || i >= d->n) {
        PyErr_Format(PyExc_IndexError, "no token %zd", i);
        return -1;
    }
    return arr[i]; /* (checked by tokarr_of) */
}
#define FTS(d, i) f_off((d), (d)->ts, (i))

static Py_ssize_t f_int(PyObject *o, const char *what) { /* an exact int's value; -1 and an error otherwise */
    if (!PyLong_CheckExact(o)) {
        PyErr_Format(PyExc_TypeError, "flags: %s must be int", what);
        return -1;
    }
    return PyLong_AsSsize_t(o);
}
#define FTE(d, i) f_off((d), (d)->te, (i))

/* Token i's word, a new reference; NULL: error. The caller's list of words is read in place, not
 * copied (copying a text's tokens cost more than the rest): each word is checked as it is read, to
 * be in the list and an exact str, so that no Python code runs on them (no __hash__ or __eq__
 * that could change the list). */
static PyObject *f_word(const fdoc *d, Py_ssize_t i) {
    if (d->words == NULL) { /* (made from the text: a _Doc's words are made only where read) */
        Py_ssize_t s = FTS(d, i), e = s < 0 ? -1 : FTE(d, i);
        if (e < 0) return NULL;
        return word_at(d->text, &d->ap, d->low, s, e);
    }
    PyObject *w = i < PyList_GET_SIZE(d->words) ? PyList_GET_ITEM(d->words, i) : NULL;
    if (w == NULL || !PyUnicode_CheckExact(w)) {
        PyErr_SetString(PyExc_TypeError, "flags: words must be str, one per token");
        return NULL;
    }
    Py_INCREF(w);
    return w;
}

/* Whether token i's word is in the set a or in the set b (abits, bbits: their filters, from
 * mark_filter_for): 1, 0, -1 on error. Where the words are made when read, a token of ASCII word characters and apostrophes is looked up from its
 * characters (ascii_word_in: no word made; making one for every token that may start a negator
 * or a hedge, most of them "not" or "said" far from any, was a third of flags). */
static int f_word_in_either(const fdoc *d, Py_ssize_t i, PyObject *a, PyObject *b, PyObject *abits, PyObject *bbits) {
    if (d->words == NULL) {
        Py_ssize_t s = FTS(d, i), e = s < 0 ? -1 : FTE(d, i);
        if (e < 0) return -1;
        Py_UCS1 w[MARK_WORD_LEN];
        uint32_t h;
        tok_reader r = {d->kind, d->data, e, d->ap};
        if (e - s <= MARK_WORD_LEN && ascii_word_into(&r, s, e, w, &h)) {
            int in = ascii_word_in_bits(abits, a, w, e - s);
            return in == 0 ? ascii_word_in_bits(bbits, b, w, e - s) : in;
        }
    }
    PyObject *w = f_word(d, i);
    if (w == NULL) return -1;
    int in = PySet_Contains(a, w);
    if (in == 0) in = PySet_Contains(b, w);
    Py_DECREF(w);
    return in;
}

static Py_ssize_t f_tok_index(const fdoc *d, Py_ssize_t pos) { /* first token starting at or after pos; -1: error */
    Py_ssize_t lo = 0, hi = d->n;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2, t = FTS(d, mid);
        if (t < 0) return -1;
        if (t < pos) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* _Doc.gap_before(i) as text[*lo:*hi] (*hi < *lo: empty); -1 on error; *region: token i starts a
 * region (the token before it was not tokenised) */
static int f_gap(const fdoc *d, Py_ssize_t i, Py_ssize_t *lo, Py_ssize_t *hi, int *region) {
    PyObject *key = PyLong_FromSsize_t(i);
    if (key == NULL) return -1;
    PyObject *v = PyDict_GetItemWithError(d->first, key);
    Py_DECREF(key);
    if (v == NULL && PyErr_Occurred()) return -1;
    *region = v != NULL;
    Py_ssize_t a;
    if (v != NULL) {
        Py_INCREF(v); /* (its __index__ may change the dict) */
        a = as_offset(v);
        Py_DECREF(v);
        if (a == -1 && PyErr_Occurred()) return -1;
    } else {
        a = i > 0 ? FTE(d, i - 1) : 0;
        if (a < 0) return -1;
    }
    if ((*hi = FTS(d, i)) < 0) return -1;
    *lo = a > 0 ? a : 0;
    if (*lo > d->len) *lo = d->len;
    return 0;
}

static int f_gap_is_hyphen(const fdoc *d, Py_ssize_t i) { /* gap_before(i) == "-"; -1: error */
    Py_ssize_t lo, hi;
    int region;
    if (f_gap(d, i, &lo, &hi, &region) < 0) return -1;
    return hi - lo == 1 && PyUnicode_READ(d->kind, d->data, lo) == '-';
}

static int f_joined(const fdoc *d, Py_ssize_t i) { /* _Doc._joined(i); -1: error */
    Py_ssize_t lo, hi;
    int region;
    if (f_gap(d, i, &lo, &hi, &region) < 0) return -1;
    if (region) return 0;
    if (hi - lo == 1 && PyUnicode_READ(d->kind, d->data, lo) == '-') return 1;
    for (Py_ssize_t p = lo; p < hi; p++)
        if (!Py_UNICODE_ISSPACE(PyUnicode_READ(d->kind, d->data, p))) return 0;
    return 1;
}

static int f_match_word(const fdoc *d, Py_ssize_t i, PyObject *w, const pshape *sh, PyObject *hyphenated);

static PyObject *f_words(const fdoc *d, Py_ssize_t a, Py_ssize_t b) { /* tuple(words[a:b]), a new reference */
    if (d->words != NULL) {
        PyObject *part = PyList_GetSlice(d->words, a, b), *tup = part ? PyList_AsTuple(part) : NULL;
        Py_XDECREF(part);
        return tup;
    }
    PyObject *tup = PyTuple_New(b - a);
    for (Py_ssize_t k = a; tup != NULL && k < b; k++) {
        PyObject *w = f_word(d, k);
        if (w == NULL) Py_CLEAR(tup);
        else PyTuple_SET_ITEM(tup, k - a, w);
    }
    return tup;
}

/* _Doc.match_at(i, phrases, hyphenated) > 0 for the phrases of sh; -1: error */
static int f_match(const fdoc *d, Py_ssize_t i, const pshape *sh, PyObject *hyphenated) {
    if (i >= d->n) return 0;
    PyObject *w = f_word(d, i);
    if (w == NULL) return -1;
    int r = f_match_word(d, i, w, sh, hyphenated);
    Py_DECREF(w);
    return r;
}

/* Whether word i is one of the second words of sh: 1, 0, -1 on error (f_word's, for a word of the
 * caller's list that is not a str) */
static int f_second(const fdoc *d, Py_ssize_t i, const pshape *sh) {
    PyObject *w = f_word(d, i);
    if (w == NULL) return -1;
    int r = PySet_Contains(sh->seconds, w);
    Py_DECREF(w);
    return r;
}

/* 0 where the caller's words [a, b) are str (or made from the text), else -1 and the error the tuple
 * of a phrase's words gives: a phrase passed over by its second word is still an error where it
 * would have held a word that is not a str */
static int f_words_are_str(const fdoc *d, Py_ssize_t a, Py_ssize_t b) {
    for (Py_ssize_t k = a; d->words != NULL && k < b; k++)
        if (k >= PyList_GET_SIZE(d->words) || !PyUnicode_CheckExact(PyList_GET_ITEM(d->words, k))) {
            PyErr_SetString(PyExc_TypeError, "flags: words must be str, one per token");
            return -1;
        }
    return 0;
}

static int f_match_word(const fdoc *d, Py_ssize_t i, PyObject *w, const pshape *sh, PyObject *hyphenated) {
    int r = PySet_Contains(sh->firsts, w);
    if (r <= 0) return r;
    if (i > 0) { /* the second part of a hyphenated compound ("self-styled") */
        if ((r = f_gap_is_hyphen(d, i)) != 0) return r < 0 ? -1 : 0;
    }
    int second = -2; /* (as in match_at) */
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(sh->lengths); k++) {
        Py_ssize_t len = PyLong_AsSsize_t(PyTuple_GET_ITEM(sh->lengths, k));
        if (len < 0 && PyErr_Occurred()) return -1;
        if (len < 1 || i + len > d->n) continue;
        if (len >= 2 && second == -2 && (second = f_second(d, i + 1, sh)) < 0) return -1;
        if (len >= 2 && !second) {
            if (f_words_are_str(d, i + 2, i + len) < 0) return -1;
            continue;
        }
        PyObject *tup = f_words(d, i, i + len);
        if (tup == NULL) return -1;
        int ok = 1;
        for (Py_ssize_t m = 0; m < PyTuple_GET_SIZE(tup); m++) ok &= PyUnicode_CheckExact(PyTuple_GET_ITEM(tup, m));
        ok = ok ? PySet_Contains(sh->phrases, tup) : -1; /* -1: error */
        if (ok == -1 && !PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "flags: words must be str, one per token");
        for (Py_ssize_t m = 1; ok > 0 && m < len; m++) ok = f_joined(d, i + m);
        if (ok > 0) { /* a phrase of hyphenated matches only where hyphens join its words */
            int hy = PySet_Contains(hyphenated, tup); /* 2: one of them, not written with hyphens */
            for (Py_ssize_t m = 1; hy == 1 && m < len; m++) {
                int g = f_gap_is_hyphen(d, i + m);
                hy = g < 0 ? -1 : (g ? 1 : 2);
            }
            ok = hy < 0 ? -1 : hy != 2;
        }
        Py_DECREF(tup);
        if (ok != 0) return ok;
    }
    return PySet_Contains(sh->singles, w); /* (w,) in phrases */
}

static Py_ssize_t first_at_least(const Py_ssize_t *v, Py_ssize_t n, Py_ssize_t x) { /* bisect_left(v[:n], x) */
    Py_ssize_t a = 0, b = n;
    while (a < b) {
        Py_ssize_t mid = (a + b) / 2;
        if (v[mid] < x) a = mid + 1;
        else b = mid;
    }
    return a;
}

static PyObject *flags(PyObject *self, PyObject *args) {
    PyObject *text, *starts, *ends, *words, *first, *hits, *mentions, *sents, *tables;
    Py_ssize_t window;
    if (!PyArg_ParseTuple(args, "UOOOO!O!O!O!nO!", &text, &starts, &ends, &words, &PyDict_Type, &first, &PyList_Type,
                          &hits, &PyList_Type, &mentions, &PyList_Type, &sents, &window, &PyTuple_Type, &tables))
        return NULL;
    PyObject *apos = NULL, *low = NULL;
    int lazy = lazy_words(words, "flags", &apos, &low);
    if (lazy < 0) return NULL;
    pshape negs, hedges;
    PyObject *hyphenated, *clause;
    if (!PyArg_ParseTuple(tables, PSHAPE_FORMAT PSHAPE_FORMAT "OU", PSHAPE_ARGS(negs), PSHAPE_ARGS(hedges), &hyphenated,
                          &clause))
        return NULL;
    if (!pshape_ok(&negs) || !pshape_ok(&hedges) || !PyAnySet_Check(hyphenated) || window < 0) {
        PyErr_SetString(PyExc_ValueError, "flags: the tables' phrases and first words must be sets, window >= 0");
        return NULL;
    }
    Py_ssize_t n = PyObject_Length(starts), nm = PyList_GET_SIZE(mentions), nh = PyList_GET_SIZE(hits);
    Py_ssize_t ns = PyList_GET_SIZE(sents), n_ends = n < 0 ? -1 : PyObject_Length(ends);
    if (n_ends < 0) return NULL;
    if (n_ends != n || (!lazy && PyList_GET_SIZE(words) != n)) {
        PyErr_SetString(PyExc_ValueError, "flags: as many words and ends as token starts are needed");
        return NULL;
    }
    tokarr toks;
    if (tokarr_of(starts, ends, PyUnicode_GET_LENGTH(text), "flags", &toks) < 0 ||
        (!lazy && PyList_GET_SIZE(words) != toks.n)) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "flags: as many words and ends as token starts are needed");
        tokarr_release(&toks);
        return NULL;
    }
    n = toks.n;
    if (voice_words() < 0) {
        tokarr_release(&toks);
        return NULL;
    }
    fdoc d = {text, PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text), n, toks.ts, toks.te,
              lazy ? NULL : words, first, charset_of(lazy ? apos : s_empty), low};
    charset cs_clause = charset_of(clause);
    PyObject *neg = PyList_New(nm), *hedge = PyList_New(nm), *result = NULL, *sents_t = NULL;
    PyObject *neg_bits = NULL, *hedge_bits = NULL;
    /* (the hits and the mention starts read into C arrays before any lookup: a set member's __eq__
     * may run Python code, which could change the caller's lists) */
    Py_ssize_t *hv = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(4 * nh + ns + nm + 1)), *lo = hv + nh, *reach = lo + nh;
    Py_ssize_t *sent_a = reach + nh, *given_h = sent_a + ns, *ment = given_h + nh;
    int8_t *found = PyMem_Malloc((size_t)nh + 1); /* per hit: -1 not read yet, else bit 1 negator, bit 2 hedge */
    if (hv == NULL || found == NULL) PyErr_NoMemory();
    if (neg == NULL || hedge == NULL || hv == NULL || found == NULL) goto done;
    for (Py_ssize_t m = 0; m < nm; m++) {
        Py_INCREF(Py_False);
        PyList_SET_ITEM(neg, m, Py_False);
        Py_INCREF(Py_False);
        PyList_SET_ITEM(hedge, m, Py_False);
    }
    sents_t = PySequence_Tuple(sents);
    if (sents_t == NULL) goto done;
    Py_ssize_t given = nh, last = -1;
    for (Py_ssize_t g = 0; g < given; g++) {
        Py_ssize_t h = f_int(PyList_GET_ITEM(hits, g), "hits");
        if (h == -1 && PyErr_Occurred()) goto done;
        if (h < 0 || h >= n || h <= last) {
            PyErr_SetString(PyExc_ValueError, "flags: hits must be increasing token indexes");
            goto done;
        }
        given_h[g] = last = h;
    }
    for (Py_ssize_t m = 0; m < nm; m++) {
        ment[m] = f_int(PyList_GET_ITEM(mentions, m), "mention starts");
        if (ment[m] == -1 && PyErr_Occurred()) goto done;
    }
    nh = 0; /* the hits whose word starts a negator or a hedge (the others never match) */
    if ((neg_bits = mark_filter_for(negs.firsts)) == NULL || (hedge_bits = mark_filter_for(hedges.firsts)) == NULL)
        goto done;
    for (Py_ssize_t g = 0; g < given; g++) {
        Py_ssize_t h = given_h[g];
        int r = f_word_in_either(&d, h, negs.firsts, hedges.firsts, neg_bits, hedge_bits);
        if (r < 0) goto done;
        if (r == 0) continue;
        Py_ssize_t k = nh++;
        hv[k] = h;
        if ((lo[k] = FTS(&d, h)) < 0) goto done;
        reach[k] = PY_SSIZE_T_MAX;
        if (window < n - h && (reach[k] = FTS(&d, h + window)) < 0) goto done; /* (h + window < n, no overflow) */
        found[k] = -1;
    }
    for (Py_ssize_t k = 0; k < ns; k++) {
        PyObject *sp = PyTuple_GET_ITEM(sents_t, k);
        if (!PyTuple_Check(sp) || PyTuple_GET_SIZE(sp) != 2) {
            PyErr_SetString(PyExc_TypeError, "flags: sentences are (start, end) tuples");
            goto done;
        }
        sent_a[k] = f_int(PyTuple_GET_ITEM(sp, 0), "sentence starts");
        if (sent_a[k] == -1 && PyErr_Occurred()) goto done;
    }
    for (Py_ssize_t m = 0; m < nm && nh > 0; m++) {
        Py_ssize_t s = ment[m];
        Py_ssize_t k = first_at_least(lo, nh, s) - 1; /* the last hit starting before s */
        if (k < 0 || s > reach[k]) continue;
        Py_ssize_t i = f_tok_index(&d, s);
        if (i < 0) goto done;
        Py_ssize_t h0 = first_at_least(hv, nh, i - window), h1 = first_at_least(hv, nh, i); /* the hits h with i - window <= h < i */
        int any = 0;
        for (Py_ssize_t q = h0; q < h1; q++) {
            if (found[q] < 0) {
                int r1 = f_match(&d, hv[q], &negs, hyphenated);
                int r2 = r1 < 0 ? -1 : f_match(&d, hv[q], &hedges, hyphenated);
                if (r1 < 0 || r2 < 0) goto done;
                found[q] = (int8_t)((r1 > 0) | ((r2 > 0) << 1));
            }
            any |= found[q];
        }
        if (!any || i >= n) continue;
        Py_ssize_t x = first_at_least(sent_a, ns, s + 1), sa = x > 0 ? sent_a[x - 1] : 0; /* the start of the
                                                                    * last sentence starting at or before s */
        Py_ssize_t c, f0 = f_tok_index(&d, sa); /* _clause_start(d, i, sa) */
        if (f0 < 0) goto done;
        if (i <= f0) {
            c = i;
        } else {
            Py_ssize_t from = FTE(&d, f0), to = FTS(&d, i), at = -1;
            if (from < 0 || to < 0) goto done;
            for (Py_ssize_t p = to - 1; p >= from; p--)
                if (in_charset(&cs_clause, PyUnicode_READ(d.kind, d.data, p))) {
                    at = p;
                    break;
                }
            c = at < 0 ? f0 : f_tok_index(&d, at + 1);
            if (c < 0) goto done;
        }
        int fl = 0;
        for (Py_ssize_t q = h0; q < h1; q++)
            if (hv[q] >= c) fl |= found[q];
        if (fl & 1) PyList_SetItem(neg, m, (Py_INCREF(Py_True), Py_True));
        if (fl & 2) PyList_SetItem(hedge, m, (Py_INCREF(Py_True), Py_True));
    }
    result = PyTuple_Pack(2, neg, hedge);
done:
    tokarr_release(&toks);
    Py_XDECREF(neg);
    Py_XDECREF(hedge);
    Py_XDECREF(sents_t);
    Py_XDECREF(neg_bits);
    Py_XDECREF(hedge_bits);
    PyMem_Free(hv);
    PyMem_Free(found);
    return result;
}

/* quote_roles(text, starts, ends, words, first, sents, quotes, held, tables) -> (scare, sources):
 * framing/voice.py's _quote_roles_py (the reference; tests compare both): for every quotation
 * (start, end) of ``quotes``, whether it is a scare quote (_scare) and, for the others whose
 * ``held`` is true, its speaker (_quote_source; "" otherwise), over a _Doc's tokens read in place
 * as flags() reads them. tables: (speech, first words, lengths, naming, first words, lengths,
 * tag stops, speaker stops, clause-or-quote characters, noun-phrase leads, auxiliaries). */
typedef struct {
    pshape speech, naming;
    PyObject *empty_set;
    PyObject *tag_stops, *speaker_stops, *cc_quote, *np_lead, *aux;
    charset cs_tag_stops, cs_speaker_stops, cs_cc_quote; /* (the three str above) */
    Py_ssize_t n_sents;
    const Py_ssize_t *sa, *sb; /* sentence starts and ends */
} qtables;


static int f_gap_has(const fdoc *d, Py_ssize_t i, const charset *set) { /* not set.isdisjoint(gap_before(i)); -1: error */
    Py_ssize_t lo, hi;
    int region;
    if (f_gap(d, i, &lo, &hi, &region) < 0) return -1;
    for (Py_ssize_t p = lo; p < hi; p++)
        if (in_charset(set, PyUnicode_READ(d->kind, d->data, p))) return 1;
    return 0;
}

static int f_word_in(const fdoc *d, Py_ssize_t i, PyObject *set) { /* words[i] in set; -1: error */
    PyObject *w = f_word(d, i);
    if (w == NULL) return -1;
    int r = PySet_Contains(set, w);
    Py_DECREF(w);
    return r;
}

static int f_word_is(const fdoc *d, Py_ssize_t i, PyObject *word) { /* words[i] == word; -1: error */
    PyObject *w = f_word(d, i);
    if (w == NULL) return -1;
    int r = PyUnicode_Compare(w, word) == 0;
    Py_DECREF(w);
    return PyErr_Occurred() ? -1 : r;
}

/* _sentence_at(sents, pos) into [*a, *b), or the default when no sentence holds pos */
static void q_sentence(const qtables *t, Py_ssize_t pos, Py_ssize_t da, Py_ssize_t db, Py_ssize_t *a, Py_ssize_t *b) {
    Py_ssize_t k = first_at_least(t->sa, t->n_sents, pos + 1) - 1;
    if (k >= 0 && t->sa[k] <= pos && pos < t->sb[k]) {
        *a = t->sa[k];
        *b = t->sb[k];
    } else {
        *a = da;
        *b = db;
    }
}

static int re_word(Py_UCS4 ch) { return ch == '_' || Py_UNICODE_ISALNUM(ch); } /* \w of re for str */

static void py_slice(Py_ssize_t len, Py_ssize_t *a, Py_ssize_t *b) { /* text[a:b]'s bounds, as Python takes them */
    Py_ssize_t *ends[2] = {a, b};
    for (int k = 0; k < 2; k++) {
        Py_ssize_t x = *ends[k];
        if (x < 0) x = x + len < 0 ? 0 : x + len;
        *ends[k] = x > len ? len : x;
    }
}

/* _scare(d, qa, qb): 1, 0, -1 on error */
static int q_scare(const fdoc *d, const qtables *t, Py_ssize_t qa, Py_ssize_t qb) {
#define QC(p) PyUnicode_READ(d->kind, d->data, (p))
    if (qb - 1 < qa + 1) return 0; /* (what _scare returns for such a span, whatever its inside) */
    Py_ssize_t a = qa + 1, b = qb - 1 < d->len ? qb - 1 : d->len; /* inner = text[qa + 1:qb - 1].strip() */
    while (a < b && Py_UNICODE_ISSPACE(QC(a))) a++;
    while (b > a && Py_UNICODE_ISSPACE(QC(b - 1))) b--;
    int words = 0; /* _SCARE_WORDS_RE: one to four words (runs of \w joined by ' or U+2019) */
    for (Py_ssize_t p = a; p < b && words <= 4;) {
        if (!re_word(QC(p))) {
            p++;
            continue;
        }
        words++;
        for (;;) {
            while (p < b && re_word(QC(p))) p++;
            if (p + 1 < b && (QC(p) == '\'' || QC(p) == 0x2019) && re_word(QC(p + 1))) p++;
            else break;
        }
    }
    if (words < 1 || words > 4) return 0;
    Py_ssize_t e = b; /* _PARTIAL_END_RE on inner.rstrip("\u201d\"'\u2019 "): [.!?,] at the end or before a final "\n" */
    while (e > a && (QC(e - 1) == 0x201D || QC(e - 1) == '"' || QC(e - 1) == '\'' || QC(e - 1) == 0x2019 || QC(e - 1) == ' ')) e--;
    if (e > a && QC(e - 1) == '\n') e--;
    if (e > a && (QC(e - 1) == '.' || QC(e - 1) == '!' || QC(e - 1) == '?' || QC(e - 1) == ',')) return 0;
    if (qb - 1 < qa + 1) return 0;
    Py_ssize_t i = f_tok_index(d, qa), s0, s1;
    if (i < 0) return -1;
    q_sentence(t, qa, 0, d->len, &s0, &s1);
    int before = 0, after = 0; /* text[s0:qa].strip() and text[qb:s1].strip(" .,;:!?") not empty */
    Py_ssize_t b0 = s0, b1 = qa, a0 = qb, a1 = s1;
    py_slice(d->len, &b0, &b1); /* (as Python slices: a sentence's negative start counts from the end) */
    py_slice(d->len, &a0, &a1);
    for (Py_ssize_t p = b0; p < b1 && !before; p++) before = !Py_UNICODE_ISSPACE(QC(p));
    for (Py_ssize_t p = a0; p < a1 && !after; p++) {
        Py_UCS4 c = QC(p);
        after = !(c == ' ' || c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?');
    }
    if (!before && !after) return 0;
    for (Py_ssize_t k = i - 12 > 0 ? i - 12 : 0; k < i; k++) { /* a verb of saying or naming, or "as", before it */
        Py_ssize_t st = FTS(d, k);
        if (st < 0) return -1;
        if (st < s0) continue;
        int r = f_word_in(d, k, t->speech.firsts);
        if (r > 0) r = f_match(d, k, &t->speech, t->empty_set);
        if (r == 0 && (r = f_word_in(d, k, t->naming.firsts)) > 0)
            r = f_match(d, k, &t->naming, t->empty_set);
        if (r == 0 && k >= i - 3) r = f_word_is(d, k, s_as);
        if (r != 0) return r < 0 ? -1 : 0;
    }
    Py_ssize_t j = f_tok_index(d, qb); /* followed by a speech tag */
    if (j < 0) return -1;
    for (Py_ssize_t k = j; k < j + 6 && k < d->n; k++) {
        Py_ssize_t st = FTS(d, k);
        if (st < 0) return -1;
        if (st >= s1) break;
        if (k > j) {
            int g = f_gap_has(d, k, &t->cs_tag_stops);
            if (g != 0) {
                if (g < 0) return -1;
                break;
            }
        }
        int r = f_match(d, k, &t->speech, t->empty_set);
        if (r != 0) return r < 0 ? -1 : 0;
    }
    return 1;
#undef QC
}

static PyObject *f_text(const fdoc *d, Py_ssize_t a, Py_ssize_t b) { /* _phrase_text(d, (a, b)) */
    Py_ssize_t x = FTS(d, a), y = x < 0 ? -1 : FTE(d, b - 1);
    if (y < 0) return NULL;
    return PyUnicode_Substring(d->text, x, y);
}

/* _quote_source(d, qa, qb): a new reference, NULL on error */
static PyObject *q_source(const fdoc *d, const qtables *t, Py_ssize_t qa, Py_ssize_t qb) {
    Py_ssize_t s0, s1, n = d->n;
    q_sentence(t, qb - 1, 0, d->len, &s0, &s1);
    Py_ssize_t i = f_tok_index(d, qb);
    if (i < 0) return NULL;
    for (Py_ssize_t j = i; j < n && j - i < 8; j++) { /* ', X said' / 'said X' */
        Py_ssize_t st = FTS(d, j);
        if (st < 0) return NULL;
        if (st >= s1) break;
        if (j > i) {
            int g = f_gap_has(d, j, &t->cs_tag_stops);
            if (g < 0) return NULL;
            if (g) break;
        }
        int r = f_match(d, j, &t->speech, t->empty_set);
        if (r < 0) return NULL;
        if (!r) continue;
        if (j > i) return f_text(d, i, j);
        if (j + 1 < n) {
            int that = f_word_is(d, j + 1, s_that);
            if (that < 0) return NULL;
            if (that) return PyUnicode_FromString(""); /* "said that ...": reported speech follows */
        }
        Py_ssize_t k = j + 1;
        while (k < n && k - j < 7) {
            Py_ssize_t sk = FTS(d, k);
            if (sk < 0) return NULL;
            if (sk >= s1) break;
            int g = f_gap_has(d, k, &t->cs_speaker_stops);
            if (g < 0) return NULL;
            if (g) break;
            k++;
        }
        return k > j + 1 ? f_text(d, j + 1, k) : PyUnicode_FromString("");
    }
    Py_ssize_t sent_start, unused; /* 'X said: "..."' */
    q_sentence(t, qa, 0, 0, &sent_start, &unused);
    Py_ssize_t last = f_tok_index(d, qa);
    if (last < 0) return NULL;
    for (Py_ssize_t j = last - 1; j >= 0 && j > last - 1 - 3; j--) {
        Py_ssize_t st = FTS(d, j);
        if (st < 0) return NULL;
        if (st < sent_start) continue;
        int r = f_match(d, j, &t->speech, t->empty_set);
        if (r < 0) return NULL;
        if (!r) continue;
        Py_ssize_t a = j; /* _noun_phrase_before(d, j, sent_start) */
        while (a > 0 && j - a < 6) {
            Py_ssize_t sp = FTS(d, a - 1);
            if (sp < 0) return NULL;
            if (sp < sent_start) break;
            int g = f_gap_has(d, a, &t->cs_cc_quote);
            if (g < 0) return NULL;
            if (g) break;
            a--;
        }
        while (a < j) {
            int lead = f_word_in(d, a, t->np_lead);
            if (lead < 0) return NULL;
            if (!lead) break;
            a++;
        }
        Py_ssize_t b = j;
        while (b > a) {
            PyObject *w = f_word(d, b - 1);
            if (w == NULL) return NULL;
            int r2 = PySet_Contains(t->aux, w);
            if (r2 == 0) r2 = (int)PyUnicode_Tailmatch(w, s_ly, 0, PY_SSIZE_T_MAX, 1);
            Py_DECREF(w);
            if (r2 < 0) return NULL;
            if (!r2) break;
            b--;
        }
        return a < b ? f_text(d, a, b) : PyUnicode_FromString("");
    }
    return PyUnicode_FromString("");
}

static PyObject *quote_roles(PyObject *self, PyObject *args) {
    PyObject *text, *starts, *ends, *words, *first, *sents, *quotes, *held, *tables;
    if (!PyArg_ParseTuple(args, "UOOOO!O!O!O!O!", &text, &starts, &ends, &words, &PyDict_Type, &first, &PyList_Type,
                          &sents, &PyList_Type, &quotes, &PyList_Type, &held, &PyTuple_Type, &tables))
        return NULL;
    PyObject *apos = NULL, *low = NULL;
    int lazy = lazy_words(words, "quote_roles", &apos, &low);
    if (lazy < 0) return NULL;
    qtables t;
    if (!PyArg_ParseTuple(tables, PSHAPE_FORMAT PSHAPE_FORMAT "UUUOO", PSHAPE_ARGS(t.speech), PSHAPE_ARGS(t.naming),
                          &t.tag_stops, &t.speaker_stops, &t.cc_quote, &t.np_lead, &t.aux))
        return NULL;
    if (!pshape_ok(&t.speech) || !pshape_ok(&t.naming) || !PyAnySet_Check(t.np_lead) || !PyAnySet_Check(t.aux)) {
        PyErr_SetString(PyExc_ValueError, "quote_roles: the tables' phrases and words must be sets");
        return NULL;
    }
    Py_ssize_t n = PyObject_Length(starts), nq = PyList_GET_SIZE(quotes), ns = PyList_GET_SIZE(sents);
    Py_ssize_t n_ends = n < 0 ? -1 : PyObject_Length(ends);
    if (n_ends < 0) return NULL;
    if (n_ends != n || (!lazy && PyList_GET_SIZE(words) != n) || PyList_GET_SIZE(held) != nq) {
        PyErr_SetString(PyExc_ValueError, "quote_roles: as many words and ends as token starts, and a held flag per quotation, are needed");
        return NULL;
    }
    if (voice_words() < 0) return NULL;
    tokarr toks;
    if (tokarr_of(starts, ends, PyUnicode_GET_LENGTH(text), "quote_roles", &toks) < 0 ||
        (!lazy && PyList_GET_SIZE(words) != toks.n)) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "quote_roles: as many words and ends as token starts are needed");
        tokarr_release(&toks);
        return NULL;
    }
    fdoc d = {text, PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text), toks.n, toks.ts, toks.te,
              lazy ? NULL : words, first, charset_of(lazy ? apos : s_empty), low};
    t.cs_tag_stops = charset_of(t.tag_stops);
    t.cs_speaker_stops = charset_of(t.speaker_stops);
    t.cs_cc_quote = charset_of(t.cc_quote);
    PyObject *scare = PyList_New(nq), *sources = PyList_New(nq), *result = NULL;
    PyObject *sents_t = PySequence_Tuple(sents), *quotes_t = PySequence_Tuple(quotes), *held_t = PySequence_Tuple(held);
    Py_ssize_t *sab = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(2 * ns + 1));
    t.empty_set = PyFrozenSet_New(NULL);
    if (sab == NULL) PyErr_NoMemory();
    if (scare == NULL || sources == NULL || sents_t == NULL || quotes_t == NULL || held_t == NULL || sab == NULL ||
        t.empty_set == NULL)
        goto done;
    t.n_sents = ns;
    t.sa = sab;
    t.sb = sab + ns;
    for (Py_ssize_t k = 0; k < ns; k++) {
        Py_ssize_t a, b;
        if (read_span(PyTuple_GET_ITEM(sents_t, k), "sentences", &a, &b) < 0) goto done;
        sab[k] = a;
        sab[ns + k] = b;
    }
    for (Py_ssize_t q = 0; q < nq; q++) { /* (items set as they are made: an error leaves NULLs, which dealloc skips) */
        Py_ssize_t qa, qb;
        if (read_span(PyTuple_GET_ITEM(quotes_t, q), "quotations", &qa, &qb) < 0) goto done;
        if (qa < 0 || qb < qa) {
            PyErr_SetString(PyExc_ValueError, "quote_roles: quotations are (start, end) spans of the text");
            goto done;
        }
        int is_scare = q_scare(&d, &t, qa, qb);
        if (is_scare < 0) goto done;
        PyList_SET_ITEM(scare, q, PyBool_FromLong(is_scare));
        int h = is_scare ? 0 : PyObject_IsTrue(PyTuple_GET_ITEM(held_t, q));
        if (h < 0) goto done;
        PyObject *src = h ? q_source(&d, &t, qa, qb) : PyUnicode_FromString("");
        if (src == NULL) goto done;
        PyList_SET_ITEM(sources, q, src);
    }
    result = PyTuple_Pack(2, scare, sources);
done:
    tokarr_release(&toks);
    Py_XDECREF(scare);
    Py_XDECREF(sources);
    Py_XDECREF(sents_t);
    Py_XDECREF(quotes_t);
    Py_XDECREF(held_t);
    Py_XDECREF(t.empty_set);
    PyMem_Free(sab);
    return result;
}

/* slices(texts, doc, start, end) -> [texts[doc[k]][start[k]:end[k]] for every k]: the surface of
 * every mention of a chunk (doc, start, end: int64 arrays of one length; a list comprehension was
 * a twentieth of score). Indexes and offsets are checked; offsets are clipped as slices are. */
static PyObject *slices(PyObject *self, PyObject *args) {
    PyObject *texts;
    Py_buffer bd, bs, be;
    if (!PyArg_ParseTuple(args, "O!y*y*y*", &PyList_Type, &texts, &bd, &bs, &be)) return NULL;
    PyObject *out = NULL;
    Py_ssize_t n = bd.len / 8, nt = PyList_GET_SIZE(texts);
    if (bs.len != bd.len || be.len != bd.len || bd.len % 8 != 0) {
        PyErr_SetString(PyExc_ValueError, "slices: doc, start and end must be int64 arrays of one length");
        goto done;
    }
    if (check_aligned(8, 3, &bd, &bs, &be) < 0) goto done;
    const int64_t *d = bd.buf, *st = bs.buf, *en = be.buf;
    out = PyList_New(n);
    if (out == NULL) goto done;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *t = d[k] >= 0 && d[k] < nt ? PyList_GET_ITEM(texts, d[k]) : NULL;
        if (t == NULL || !PyUnicode_Check(t) || st[k] < 0 || en[k] < 0) {
            PyErr_Format(PyExc_ValueError, "slices: row %zd is not a span of one of the texts", k);
            Py_CLEAR(out);
            goto done;
        }
        PyObject *piece = PyUnicode_Substring(t, st[k], en[k]);
        if (piece == NULL) {
            Py_CLEAR(out);
            goto done;
        }
        PyList_SET_ITEM(out, k, piece);
    }
done:
    PyBuffer_Release(&bd);
    PyBuffer_Release(&bs);
    PyBuffer_Release(&be);
    return out;
}

/* holding(blocks, points) -> the blocks that hold one of the points: framing/voice.py's _holding_py
 * (the reference; tests compare both) for a list of sorted, disjoint (start, end) tuples and a list
 * of sorted int points; the blocks kept are the same tuple objects. */
static PyObject *holding_c(PyObject *self, PyObject *args) {
    PyObject *blocks, *points;
    if (!PyArg_ParseTuple(args, "O!O!", &PyList_Type, &blocks, &PyList_Type, &points)) return NULL;
    PyObject *bt = PySequence_Tuple(blocks), *pt = PySequence_Tuple(points), *out = NULL; /* (copies, as elsewhere) */
    Py_ssize_t np_ = pt ? PyTuple_GET_SIZE(pt) : 0, *pv = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(np_ + 1));
    if (bt == NULL || pt == NULL || pv == NULL) {
        if (pv == NULL) PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k < np_; k++) {
        pv[k] = as_offset(PyTuple_GET_ITEM(pt, k));
        if (pv[k] == -1 && PyErr_Occurred()) goto done;
    }
    if ((out = PyList_New(0)) == NULL) goto done;
    for (Py_ssize_t j = 0, k = 0; j < PyTuple_GET_SIZE(bt); j++) {
        PyObject *blk = PyTuple_GET_ITEM(bt, j);
        Py_ssize_t a, b;
        if (read_span(blk, "blocks", &a, &b) < 0) {
            Py_CLEAR(out);
            goto done;
        }
        while (k < np_ && pv[k] < a) k++; /* bisect_left(points, a, k) */
        if (k == np_) break;
        if (pv[k] < b && PyList_Append(out, blk) < 0) {
            Py_CLEAR(out);
            goto done;
        }
    }
done:
    Py_XDECREF(bt);
    Py_XDECREF(pt);
    PyMem_Free(pv);
    return out;
}

/* starting_in(spans, within) -> the spans (the same tuple objects) that start inside one of the
 * sorted, disjoint spans ``within``: framing/voice.py's _starting_in_py (the reference; tests
 * compare both), for a list of sorted (start, end) tuples. */
static PyObject *starting_in(PyObject *self, PyObject *args) {
    PyObject *spans, *within;
    if (!PyArg_ParseTuple(args, "O!O!", &PyList_Type, &spans, &PyList_Type, &within)) return NULL;
    Py_ssize_t nw = 0;
    qspan *w = spans_of(within, &nw);
    if (w == NULL) return NULL;
    PyObject *st = PySequence_Tuple(spans), *out = st ? PyList_New(0) : NULL; /* (a copy, as elsewhere) */
    if (out == NULL) goto done;
    for (Py_ssize_t j = 0, k = 0; j < PyTuple_GET_SIZE(st); j++) {
        PyObject *sp = PyTuple_GET_ITEM(st, j);
        Py_ssize_t a, b;
        if (read_span(sp, "spans", &a, &b) < 0) {
            Py_CLEAR(out);
            goto done;
        }
        while (k < nw && w[k].b <= a) k++;
        if (k == nw) break;
        if (w[k].a <= a && PyList_Append(out, sp) < 0) {
            Py_CLEAR(out);
            goto done;
        }
    }
done:
    Py_XDECREF(st);
    PyMem_Free(w);
    return out;
}

/* Whether [a, b) overlaps one of the sorted, disjoint spans sp[0..n) (voice.py's _overlaps). */
static int overlaps_any(Py_ssize_t a, Py_ssize_t b, const qspan *sp, Py_ssize_t n) {
    Py_ssize_t lo = 0, hi = n; /* the number of spans starting at or before a */
    while (lo < hi) { Py_ssize_t mid = (lo + hi) / 2; if (sp[mid].a <= a) lo = mid + 1; else hi = mid; }
    return (lo > 0 && sp[lo - 1].b > a) || (lo < n && sp[lo].a < b);
}

/* near_quotes(quotes, sents, points) -> (kept, held): the quotations (the same tuple objects) that
 * overlap one of the sorted, disjoint spans ``sents`` or hold one of the sorted ``points``, and
 * whether each kept one holds a point: the first lines of framing/voice.py's _segments
 * (_near_quotes_py, the reference; tests compare both). */
static PyObject *near_quotes(PyObject *self, PyObject *args) {
    PyObject *quotes, *sents, *points;
    if (!PyArg_ParseTuple(args, "O!O!O!", &PyList_Type, &quotes, &PyList_Type, &sents, &PyList_Type, &points))
        return NULL;
    Py_ssize_t ns = 0, np_ = 0;
    qspan *sp = spans_of(sents, &ns);
    Py_ssize_t *pt = sp ? sorted_points(points, 0, &np_) : NULL;
    PyObject *qt = pt ? PySequence_Tuple(quotes) : NULL, *kept = NULL, *held = NULL, *out = NULL;
    if (qt == NULL || (kept = PyList_New(0)) == NULL || (held = PyList_New(0)) == NULL) goto done;
    for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(qt); j++) {
        PyObject *q = PyTuple_GET_ITEM(qt, j);
        Py_ssize_t a, b;
        if (read_span(q, "quotes", &a, &b) < 0) goto done;
        int h = holds(a, b, pt, np_);
        if ((h || overlaps_any(a, b, sp, ns)) && (PyList_Append(kept, q) < 0 || PyList_Append(held, h ? Py_True : Py_False) < 0))
            goto done;
    }
    out = PyTuple_Pack(2, kept, held);
done:
    Py_XDECREF(qt);
    Py_XDECREF(kept);
    Py_XDECREF(held);
    PyMem_Free(sp);
    PyMem_Free(pt);
    return out;
}

/* A row of segment_rows: a span, its order of making (ties of the sort), voice and source. */
typedef struct { Py_ssize_t a, b, seq; int voice; PyObject *src; } srow; /* src: borrowed */

static int cmp_srow(const void *x, const void *y) {
    const srow *p = (const srow *)x, *q = (const srow *)y;
    if (p->a != q->a) return (p->a > q->a) - (p->a < q->a);
    if (p->b != q->b) return (p->b > q->b) - (p->b < q->b);
    return (p->seq > q->seq) - (p->seq < q->seq);
}

static int push_srow(srow **rows, Py_ssize_t *n, Py_ssize_t *cap, Py_ssize_t a, Py_ssize_t b, int voice, PyObject *src) {
    if (*n == *cap) {
        Py_ssize_t c = *cap ? 2 * *cap : 32;
        srow *x = PyMem_Realloc(*rows, sizeof(srow) * (size_t)c);
        if (x == NULL) { PyErr_NoMemory(); return -1; }
        *rows = x;
        *cap = c;
    }
    srow r = {a, b, *n, voice, src};
    (*rows)[(*n)++] = r;
    return 0;
}

static PyObject *s_voice_names[3]; /* "quoted", "attributed", "scare_quoted" (made once) */

/* segment_rows(quotes, is_scare, speakers, attributed, points, clean) -> rows: the segment rows
 * of framing/voice.py's _segments from the quotations, their roles and speakers and the attributed
 * regions (_segment_rows_py, the reference; tests compare both): the quotations that are not scare
 * quotes, the attributed regions less those quotations, the scare quotes; each source that is not
 * empty cleaned by clean(src) where its row holds one of the sorted ``points`` (None: every
 * row), else ""; sorted by (start, end), ties in that order. */
static PyObject *segment_rows(PyObject *self, PyObject *args) {
    PyObject *quotes, *is_scare, *speakers, *attributed, *points, *clean;
    if (!PyArg_ParseTuple(args, "O!O!O!O!OO", &PyList_Type, &quotes, &PyList_Type, &is_scare, &PyList_Type,
                          &speakers, &PyList_Type, &attributed, &points, &clean))
        return NULL;
    if (points != Py_None && !PyList_Check(points)) {
        PyErr_SetString(PyExc_TypeError, "segment_rows: points must be a list of offsets or None");
        return NULL;
    }
    if (s_voice_names[2] == NULL) { /* (set last: all three are made once the last is) */
        const char *names[3] = {"quoted", "attributed", "scare_quoted"};
        for (int k = 0; k < 3; k++)
            if (s_voice_names[k] == NULL && (s_voice_names[k] = PyUnicode_InternFromString(names[k])) == NULL) return NULL;
    }
    /* copies of the lists: clean runs Python code, which could change them */
    PyObject *qt = PySequence_Tuple(quotes), *xt = qt ? PySequence_Tuple(is_scare) : NULL;
    PyObject *st = xt ? PySequence_Tuple(speakers) : NULL, *at = st ? PySequence_Tuple(attributed) : NULL;
    PyObject *out = NULL, *cleaned = NULL; /* cleaned: the new sources, owned until the rows are made */
    Py_ssize_t nq = qt ? PyTuple_GET_SIZE(qt) : 0, np_ = 0, n = 0, cap = 0, n_real = 0;
    Py_ssize_t *pt = NULL;
    qspan *q = NULL, *real = NULL;
    char *scare = NULL;
    srow *rows = NULL;
    if (at == NULL) goto done;
    if (PyTuple_GET_SIZE(xt) != nq || PyTuple_GET_SIZE(st) != nq) {
        PyErr_SetString(PyExc_ValueError, "segment_rows: quotes, is_scare and speakers differ in length");
        goto done;
    }
    if (points != Py_None && (pt = sorted_points(points, 0, &np_)) == NULL) goto done;
    q = PyMem_New(qspan, nq + 1);
    real = PyMem_New(qspan, nq + 1);
    scare = PyMem_Malloc((size_t)nq + 1);
    if (q == NULL || real == NULL || scare == NULL || (cleaned = PyList_New(0)) == NULL) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k < nq; k++) {
        int x = PyObject_IsTrue(PyTuple_GET_ITEM(xt, k));
        if (x < 0 || read_span(PyTuple_GET_ITEM(qt, k), "quotes", &q[k].a, &q[k].b) < 0) goto done;
        scare[k] = (char)x;
        if (!x) {
            real[n_real++] = q[k];
            if (push_srow(&rows, &n, &cap, q[k].a, q[k].b, 0, PyTuple_GET_ITEM(st, k)) < 0) goto done;
        }
    }
    /* attributed regions less the quotations that are not scare quotes (sorted and disjoint: those a
     * region overlaps are a run of them) */
    for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(at); j++) {
        PyObject *r = PyTuple_GET_ITEM(at, j);
        if (!PyTuple_Check(r) || PyTuple_GET_SIZE(r) != 4) {
            PyErr_SetString(PyExc_TypeError, "segment_rows: attributed regions are (start, end, source, rule) tuples");
            goto done;
        }
        Py_ssize_t a = as_offset(PyTuple_GET_ITEM(r, 0)), b = a == -1 && PyErr_Occurred() ? -1 : as_offset(PyTuple_GET_ITEM(r, 1));
        if (b == -1 && PyErr_Occurred()) goto done;
        PyObject *src = PyTuple_GET_ITEM(r, 2);
        Py_ssize_t lo = 0, hi = n_real; /* bisect_right(starts, a) */
        while (lo < hi) { Py_ssize_t mid = (lo + hi) / 2; if (real[mid].a <= a) lo = mid + 1; else hi = mid; }
        Py_ssize_t first = lo > 0 ? lo - 1 : 0;
        lo = 0, hi = n_real; /* bisect_left(starts, b) */
        while (lo < hi) { Py_ssize_t mid = (lo + hi) / 2; if (real[mid].a < b) lo = mid + 1; else hi = mid; }
        Py_ssize_t last = lo;
        if (last <= first) { /* no quotation in it (most regions) */
            if (b > a && push_srow(&rows, &n, &cap, a, b, 1, src) < 0) goto done;
            continue;
        }
        for (Py_ssize_t h = first; h < last; h++) { /* voice.py's _subtract */
            if (real[h].a >= b) break;
            if (real[h].b <= a) continue;
            if (a < real[h].a && push_srow(&rows, &n, &cap, a, real[h].a, 1, src) < 0) goto done;
            a = real[h].b;
        }
        if (a < b && push_srow(&rows, &n, &cap, a, b, 1, src) < 0) goto done;
    }
    for (Py_ssize_t k = 0; k < nq; k++)
        if (scare[k] && push_srow(&rows, &n, &cap, q[k].a, q[k].b, 2, Py_None) < 0) goto done;
    /* sources: read only where a row holds a point, then cleaned */
    for (Py_ssize_t k = 0; k < n; k++) {
        srow *r = &rows[k];
        if (r->voice == 2 || r->src == Py_None) {
            r->src = NULL; /* "" */
            continue;
        }
        if (!PyUnicode_Check(r->src)) {
            PyErr_SetString(PyExc_TypeError, "segment_rows: sources must be str or None");
            goto done;
        }
        if (PyUnicode_GET_LENGTH(r->src) == 0) continue;
        if (pt != NULL && !holds(r->a, r->b, pt, np_)) {
            r->src = NULL;
            continue;
        }
        PyObject *c = PyObject_CallOneArg(clean, r->src);
        if (c == NULL) goto done;
        int bad = !PyUnicode_Check(c) || PyList_Append(cleaned, c) < 0;
        if (!PyUnicode_Check(c)) PyErr_SetString(PyExc_TypeError, "segment_rows: clean must return a str");
        Py_DECREF(c); /* (held by cleaned) */
        if (bad) goto done;
        r->src = c;
    }
    if (n > 1) qsort(rows, (size_t)n, sizeof(srow), cmp_srow);
    PyObject *empty = PyUnicode_FromStringAndSize(NULL, 0);
    if (empty == NULL || (out = PyList_New(n)) == NULL) {
        Py_XDECREF(empty);
        goto done;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *x = offset_int(rows[k].a), *y = x != NULL ? offset_int(rows[k].b) : NULL;
        PyObject *t = y != NULL ? PyTuple_New(4) : NULL;
        if (t == NULL) {
            Py_XDECREF(x);
            Py_XDECREF(y);
        } else {
            PyTuple_SET_ITEM(t, 0, x);
            PyTuple_SET_ITEM(t, 1, y);
            PyTuple_SET_ITEM(t, 2, Py_NewRef(s_voice_names[rows[k].voice]));
            PyTuple_SET_ITEM(t, 3, Py_NewRef(rows[k].src ? rows[k].src : empty));
        }
        if (t == NULL) {
            Py_CLEAR(out);
            break;
        }
        PyList_SET_ITEM(out, k, t);
    }
    Py_DECREF(empty);
done:
    Py_XDECREF(qt);
    Py_XDECREF(xt);
    Py_XDECREF(st);
    Py_XDECREF(at);
    Py_XDECREF(cleaned);
    PyMem_Free(pt);
    PyMem_Free(q);
    PyMem_Free(real);
    PyMem_Free(scare);
    PyMem_Free(rows);
    return out;
}

/* clean_source(tables, src) -> str: framing/voice.py's _clean_source (the reference; tests compare
 * both) for a source of ASCII characters, without a Python frame: a single pass of framing score
 * cleans every distinct source once (20,000 in 20 MB of news), and that was a twentieth of its
 * time. tables = (bits, stops, fallback): bits a dict of lower-cased words to the CLEAN_ bits of
 * the word sets holding them, stops the characters no source may hold, fallback(src) the Python
 * cleaning, which cleans a source with any other character. */
#define CLEAN_RELATIVE 1
#define CLEAN_VERB 2
#define CLEAN_LEAD 4
#define CLEAN_EDGE 8
#define CLEAN_AUX 16
#define CLEAN_DET 32
#define CLEAN_NOT_SOURCE 64

static int split_space(Py_UCS1 c) { return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F); } /* str.split()'s, in ASCII */
static int strip_punct(Py_UCS1 c) { return c == '.' || c == ',' || c == ';' || c == ':'; }

/* The bits of the word t[a:b] lower-cased, first stripped of ".,;:" (strip) and with every "`" read
 * as "'" (tick): 0 for a word in no set, -1 on error. */
static long clean_bits(PyObject *bits, const Py_UCS1 *t, Py_ssize_t a, Py_ssize_t b, int strip, int tick) {
    if (strip) {
        while (a < b && strip_punct(t[a])) a++;
        while (b > a && strip_punct(t[b - 1])) b--;
    }
    Py_ssize_t n = b - a;
    PyObject *w;
    if (n <= WORD_MAX_LEN) {
        Py_UCS1 buf[WORD_MAX_LEN];
        uint32_t h = 2166136261u;
        for (Py_ssize_t k = 0; k < n; k++) {
            Py_UCS1 c = t[a + k];
            c = c >= 'A' && c <= 'Z' ? c + 32 : (tick && c == '`' ? '\'' : c);
            buf[k] = c;
            h = (h ^ c) * 16777619u;
        }
        w = slot_str(buf, n, h);
    } else if ((w = PyUnicode_New(n, 127)) != NULL) {
        Py_UCS1 *out = PyUnicode_1BYTE_DATA(w);
        for (Py_ssize_t k = 0; k < n; k++) {
            Py_UCS1 c = t[a + k];
            out[k] = c >= 'A' && c <= 'Z' ? c + 32 : (tick && c == '`' ? '\'' : c);
        }
    }
    if (w == NULL) return -1;
    PyObject *v = PyDict_GetItemWithError(bits, w); /* (str keys: no Python code runs) */
    Py_DECREF(w);
    if (v == NULL) return PyErr_Occurred() ? -1 : 0;
    long x = PyLong_AsLong(v);
    return x == -1 && PyErr_Occurred() ? -1 : x;
}

static PyObject *clean_source(PyObject *self, PyObject *args) {
    PyObject *tables, *src, *bits, *stops, *fallback;
    if (!PyArg_ParseTuple(args, "O!U", &PyTuple_Type, &tables, &src) ||
        !PyArg_ParseTuple(tables, "O!UO", &PyDict_Type, &bits, &stops, &fallback))
        return NULL;
    if (!PyDict_CheckExact(bits)) {
        PyErr_SetString(PyExc_TypeError, "clean_source: bits must be a dict");
        return NULL;
    }
    if (!PyUnicode_IS_ASCII(src)) return PyObject_CallOneArg(fallback, src);
    const Py_UCS1 *t = PyUnicode_1BYTE_DATA(src);
    Py_ssize_t len = PyUnicode_GET_LENGTH(src);
    /* a source with a stop (a quotation mark) is none, whatever its words */
    charset cs = charset_of(stops);
    for (Py_ssize_t k = 0; k < len; k++)
        if (in_charset(&cs, t[k])) return PyUnicode_New(0, 0);
    /* the words: runs of characters other than spaces */
    Py_ssize_t small[2 * 32], *wd = small, n = 0;
    if (len / 2 + 1 > 32 && (wd = PyMem_New(Py_ssize_t, 2 * (len / 2 + 1))) == NULL) return PyErr_NoMemory();
    for (Py_ssize_t k = 0; k < len;) {
        while (k < len && split_space(t[k])) k++;
        if (k >= len) break;
        wd[2 * n] = k;
        while (k < len && !split_space(t[k])) k++;
        wd[2 * n + 1] = k;
        n++;
    }
    PyObject *out = NULL;
    Py_ssize_t lo = 0, hi = n; /* the words kept: [lo, hi) */
    long b;
#define BITS(i, strip, tick) (b = clean_bits(bits, t, wd[2 * (i)], wd[2 * (i) + 1], (strip), (tick)))
    for (Py_ssize_t k = 1; k < n; k++) { /* cut at a relative pronoun or a verb of saying */
        if (BITS(k, 1, 1) < 0) goto done;
        if (b & (CLEAN_RELATIVE | CLEAN_VERB)) {
            hi = k;
            break;
        }
    }
    while (lo < hi) { /* leading conjunctions and prepositions */
        if (BITS(lo, 0, 0) < 0) goto done;
        if (!(b & CLEAN_LEAD)) break;
        lo++;
    }
    while (hi > lo) { /* trailing ones, and auxiliaries */
        if (BITS(hi - 1, 1, 0) < 0) goto done;
        if (!(b & CLEAN_EDGE)) break;
        hi--;
    }
    int none = hi == lo || hi - lo > 8;
    if (!none) {
        Py_ssize_t fa = wd[2 * lo], fb = wd[2 * lo + 1], fn = fb - fa;
        long first;
        if ((first = clean_bits(bits, t, fa, fb, 0, 0)) < 0) goto done;
        int ends_ing = fn >= 3 && (t[fb - 3] | 0x20) == 'i' && (t[fb - 2] | 0x20) == 'n' && (t[fb - 1] | 0x20) == 'g';
        int ends_ed = fn >= 2 && (t[fb - 2] | 0x20) == 'e' && (t[fb - 1] | 0x20) == 'd';
        none = (first & CLEAN_AUX) || ((ends_ing || ends_ed) && fn > 4);
        if (!none && t[fa] >= 'a' && t[fa] <= 'z' && hi - lo > 1 && !(first & CLEAN_DET)) {
            if (BITS(lo + 1, 0, 0) < 0) goto done; /* a clause, not a speaker */
            none = (b & CLEAN_EDGE) != 0;
        }
        if (!none && hi - lo == 1) none = (first & CLEAN_NOT_SOURCE) != 0;
    }
#undef BITS
    if (none) {
        out = PyUnicode_New(0, 0);
        goto done;
    }
    Py_ssize_t size = hi - lo - 1;
    for (Py_ssize_t k = lo; k < hi; k++) size += wd[2 * k + 1] - wd[2 * k];
    if ((out = PyUnicode_New(size, 127)) == NULL) goto done;
    Py_UCS1 *o = PyUnicode_1BYTE_DATA(out);
    for (Py_ssize_t k = lo; k < hi; k++) { /* " ".join(words) */
        if (k > lo) *o++ = ' ';
        memcpy(o, t + wd[2 * k], (size_t)(wd[2 * k + 1] - wd[2 * k]));
        o += wd[2 * k + 1] - wd[2 * k];
    }
done:
    if (wd != small) PyMem_Free(wd);
    return out;
}

/* token_words(text, starts, ends, apostrophes, low) -> the word of every token text[starts[k]:ends[k]]
 * (word_at: ASCII words made here, low(start, end) for the rest): a _Doc's words, made when first
 * read in Python (framing/voice.py). */
static PyObject *token_words(PyObject *self, PyObject *args) {
    PyObject *text, *starts, *ends, *apos, *low;
    if (!PyArg_ParseTuple(args, "UOOUO", &text, &starts, &ends, &apos, &low)) return NULL;
    Py_ssize_t n = PyObject_Length(starts), n_ends = n < 0 ? -1 : PyObject_Length(ends);
    if (n_ends < 0) return NULL;
    if (n_ends != n || !PyCallable_Check(low)) {
        PyErr_SetString(PyExc_ValueError, "token_words: as many ends as starts, and a callable low, are needed");
        return NULL;
    }
    tokarr toks; /* (read in place or copied: low runs Python code, which could change lists) */
    charset ap = charset_of(apos);
    PyObject *out = tokarr_of(starts, ends, PyUnicode_GET_LENGTH(text), "token_words", &toks) < 0 ? NULL : PyList_New(toks.n);
    for (Py_ssize_t k = 0; out != NULL && k < toks.n; k++) {
        PyObject *w = word_at(text, &ap, low, toks.ts[k], toks.te[k]);
        if (w == NULL) Py_CLEAR(out);
        else PyList_SET_ITEM(out, k, w);
    }
    tokarr_release(&toks);
    return out;
}

static PyMethodDef methods[] = {
    {"soft_runs", soft_runs, METH_VARARGS, "Soft gaps of the one-byte form (see framing/batch.py)."},
    {"line_ends", line_ends, METH_VARARGS, "Where the next n lines of a buffer end (see framing/corpus.py)."},
    {"read_lines", read_lines, METH_VARARGS, "The next lines of a file, read into their own bytes (see framing/_kernels.py)."},
    {"quote_roles", quote_roles, METH_VARARGS, "Scare quotes and speakers of quotations (see framing/voice.py)."},
    {"flags", flags, METH_VARARGS, "Negated and hedged flags of mentions (see framing/voice.py)."},
    {"slices", slices, METH_VARARGS, "Slices of texts at rows of (doc, start, end) (see framing/_kernels.py)."},
    {"holding", holding_c, METH_VARARGS, "The blocks that hold one of sorted points (see framing/voice.py)."},
    {"starting_in", starting_in, METH_VARARGS, "The spans starting inside sorted spans (see framing/voice.py)."},
    {"near_quotes", near_quotes, METH_VARARGS, "Quotations near sentences or points (see framing/voice.py)."},
    {"segment_rows", segment_rows, METH_VARARGS, "Segment rows of quotations and attributions (see framing/voice.py)."},
    {"voices", voices, METH_VARARGS, "Voice and source of spans from segment rows (see framing/voice.py)."},
    {"attributions", attributions, METH_VARARGS, "Attributed regions of a text (see framing/voice.py)."},
    {"all_inside", all_inside, METH_VARARGS, "Whether sorted points lie in sorted spans (see framing/voice.py)."},
    {"sentence_spans", sentence_spans_c, METH_VARARGS, "Sentence spans (see framing/sentences.py)."},
    {"focus", focus, METH_VARARGS, "Points and lines around mentions (see framing/voice.py)."},
    {"sentence_regions", sentence_regions, METH_VARARGS, "Regions to tokenise (see framing/voice.py)."},
    {"quote_regions", quote_regions, METH_VARARGS, "Quotation regions of a text (see framing/voice.py)."},
    {"with_nul", with_nul, METH_VARARGS, "Indexes of the str items holding NUL (see framing/_kernels.py)."},
    {"word_spans", word_spans, METH_VARARGS, "Word token spans of a text (see framing/_kernels.py)."},
    {"tokens_in", tokens_in, METH_VARARGS, "tokens_of for each span of a list (see framing/_kernels.py)."},
    {"token_table", token_table, METH_VARARGS, "tokens_in's tokens as one bytes object (see framing/_kernels.py)."},
    {"clean_source", clean_source, METH_VARARGS, "A speaker's noun phrase (see framing/voice.py, _clean_source)."},
    {"token_words", token_words, METH_VARARGS, "The words of tokens (see framing/_kernels.py)."},
    {"tokens_of", tokens_of, METH_VARARGS, "Word tokens as lists of starts and ends (see framing/_kernels.py)."},
    {"set_vector_forms", set_vector_forms, METH_O, "Use the vector pass of forms (for tests); returns the old setting."},
    {"forms", forms, METH_VARARGS, "One-byte forms of a batch (see framing/_kernels.py)."},
    {"literal_valid", literal_valid, METH_VARARGS, "Whether bytes are a valid JSON string's inside (see framing/_jsontext.py)."},
    {"json_literals", json_literals, METH_VARARGS, "Long string values cut out of JSON Lines (see framing/_jsontext.py)."},
    {"scan", scan, METH_VARARGS, "Aho-Corasick scan (see framing/_kernels.py)."},
    {"longest", longest, METH_VARARGS, "Leftmost-longest selection (see framing/_kernels.py)."},
    {"resolve", resolve, METH_VARARGS, "Candidate mentions of the scan's matches (see framing/_kernels.py)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_ckernels", NULL, -1, methods};

/* The interface version framing/_extension.py expects (KERNELS_VERSION): raised whenever a
 * function's arguments change, so that a build left from older sources is set aside, not called. */
#define KERNELS_VERSION 5

PyMODINIT_FUNC PyInit__ckernels(void) {
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddIntConstant(m, "VERSION", KERNELS_VERSION) < 0) Py_CLEAR(m);
    return m;
}
