/* tui/text: the one path from outside text to the terminal (contract in text.h).
 *
 * Everything is a single pass over the input bytes that feeds a "sink": the sink either
 * writes into a caller's buffer (bounded by bytes and by columns) or only measures.
 * text_sanitize, text_width and text_fit are the same pass with different sinks, so
 * width and output can never disagree.
 *
 * Decoding, in the order it is decided for each position:
 *  - ESC starts a sequence that is dropped whole: CSI (ESC [ params intermediates final),
 *    strings (ESC ] OSC, ESC P DCS, ESC X SOS, ESC ^ PM, ESC _ APC) up to BEL, ESC \ or
 *    the C1 ST, and nF/Fp/Fe/Fs escapes (ESC intermediates* final).  A sequence cut short
 *    by a byte that cannot belong to it is dropped up to that byte, which is then decoded
 *    afresh (it is shown, never passed through); one cut short by the end of the input is
 *    dropped to the end.  CAN and SUB end a string the way terminals cancel it.
 *  - C1 controls are U+0080..U+009F encoded as UTF-8, or a raw byte 0x80..0x9F standing
 *    where a character should start (a continuation byte after a lead byte is part of a
 *    broken sequence instead).  CSI/OSC/DCS/SOS/PM/APC introduce the same sequences as
 *    their ESC forms; any other C1 becomes U+FFFD.
 *  - TAB advances to the next multiple of 8 columns with spaces; other C0 controls and DEL
 *    are shown in caret notation ("^@", "^M", "^?"), two columns.
 *  - An ill-formed UTF-8 sequence (bad lead, missing continuation, overlong, surrogate,
 *    beyond U+10FFFF) becomes one U+FFFD; so do U+2028/U+2029, which some terminals treat
 *    as line breaks.
 *  - Bidi embeddings/overrides/isolates/marks and zero-width spaces/joiners are dropped:
 *    they let a name look like another one.
 * Widths come from our own tables (generated from Unicode 14 data with Python's
 * unicodedata: general category Mn/Me/Cf except U+00AD and Hangul medial/final jamo
 * U+1160..U+11FF, U+D7B0..U+D7FF are 0; East Asian Wide/Fullwidth and the CJK planes
 * U+20000..U+3FFFD are 2; a run of unassigned code points may join two ranges), so the
 * result does not depend on the process locale.
 */
#include "tui/text.h"

#include "core/utf8.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct text_range {
	uint32_t lo, hi;
};

static const struct text_range text_zero_width[] = {
	{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd },
	{ 0x05bf, 0x05bf }, { 0x05c1, 0x05c2 }, { 0x05c4, 0x05c5 },
	{ 0x05c7, 0x05c7 }, { 0x0600, 0x0605 }, { 0x0610, 0x061a },
	{ 0x061c, 0x061c }, { 0x064b, 0x065f }, { 0x0670, 0x0670 },
	{ 0x06d6, 0x06dd }, { 0x06df, 0x06e4 }, { 0x06e7, 0x06e8 },
	{ 0x06ea, 0x06ed }, { 0x070f, 0x070f }, { 0x0711, 0x0711 },
	{ 0x0730, 0x074a }, { 0x07a6, 0x07b0 }, { 0x07eb, 0x07f3 },
	{ 0x07fd, 0x07fd }, { 0x0816, 0x0819 }, { 0x081b, 0x0823 },
	{ 0x0825, 0x0827 }, { 0x0829, 0x082d }, { 0x0859, 0x085b },
	{ 0x0890, 0x089f }, { 0x08ca, 0x0902 }, { 0x093a, 0x093a },
	{ 0x093c, 0x093c }, { 0x0941, 0x0948 }, { 0x094d, 0x094d },
	{ 0x0951, 0x0957 }, { 0x0962, 0x0963 }, { 0x0981, 0x0981 },
	{ 0x09bc, 0x09bc }, { 0x09c1, 0x09c4 }, { 0x09cd, 0x09cd },
	{ 0x09e2, 0x09e3 }, { 0x09fe, 0x0a02 }, { 0x0a3c, 0x0a3c },
	{ 0x0a41, 0x0a51 }, { 0x0a70, 0x0a71 }, { 0x0a75, 0x0a75 },
	{ 0x0a81, 0x0a82 }, { 0x0abc, 0x0abc }, { 0x0ac1, 0x0ac8 },
	{ 0x0acd, 0x0acd }, { 0x0ae2, 0x0ae3 }, { 0x0afa, 0x0b01 },
	{ 0x0b3c, 0x0b3c }, { 0x0b3f, 0x0b3f }, { 0x0b41, 0x0b44 },
	{ 0x0b4d, 0x0b56 }, { 0x0b62, 0x0b63 }, { 0x0b82, 0x0b82 },
	{ 0x0bc0, 0x0bc0 }, { 0x0bcd, 0x0bcd }, { 0x0c00, 0x0c00 },
	{ 0x0c04, 0x0c04 }, { 0x0c3c, 0x0c3c }, { 0x0c3e, 0x0c40 },
	{ 0x0c46, 0x0c56 }, { 0x0c62, 0x0c63 }, { 0x0c81, 0x0c81 },
	{ 0x0cbc, 0x0cbc }, { 0x0cbf, 0x0cbf }, { 0x0cc6, 0x0cc6 },
	{ 0x0ccc, 0x0ccd }, { 0x0ce2, 0x0ce3 }, { 0x0d00, 0x0d01 },
	{ 0x0d3b, 0x0d3c }, { 0x0d41, 0x0d44 }, { 0x0d4d, 0x0d4d },
	{ 0x0d62, 0x0d63 }, { 0x0d81, 0x0d81 }, { 0x0dca, 0x0dca },
	{ 0x0dd2, 0x0dd6 }, { 0x0e31, 0x0e31 }, { 0x0e34, 0x0e3a },
	{ 0x0e47, 0x0e4e }, { 0x0eb1, 0x0eb1 }, { 0x0eb4, 0x0ebc },
	{ 0x0ec8, 0x0ecd }, { 0x0f18, 0x0f19 }, { 0x0f35, 0x0f35 },
	{ 0x0f37, 0x0f37 }, { 0x0f39, 0x0f39 }, { 0x0f71, 0x0f7e },
	{ 0x0f80, 0x0f84 }, { 0x0f86, 0x0f87 }, { 0x0f8d, 0x0fbc },
	{ 0x0fc6, 0x0fc6 }, { 0x102d, 0x1030 }, { 0x1032, 0x1037 },
	{ 0x1039, 0x103a }, { 0x103d, 0x103e }, { 0x1058, 0x1059 },
	{ 0x105e, 0x1060 }, { 0x1071, 0x1074 }, { 0x1082, 0x1082 },
	{ 0x1085, 0x1086 }, { 0x108d, 0x108d }, { 0x109d, 0x109d },
	{ 0x1160, 0x11ff }, { 0x135d, 0x135f }, { 0x1712, 0x1714 },
	{ 0x1732, 0x1733 }, { 0x1752, 0x1753 }, { 0x1772, 0x1773 },
	{ 0x17b4, 0x17b5 }, { 0x17b7, 0x17bd }, { 0x17c6, 0x17c6 },
	{ 0x17c9, 0x17d3 }, { 0x17dd, 0x17dd }, { 0x180b, 0x180f },
	{ 0x1885, 0x1886 }, { 0x18a9, 0x18a9 }, { 0x1920, 0x1922 },
	{ 0x1927, 0x1928 }, { 0x1932, 0x1932 }, { 0x1939, 0x193b },
	{ 0x1a17, 0x1a18 }, { 0x1a1b, 0x1a1b }, { 0x1a56, 0x1a56 },
	{ 0x1a58, 0x1a60 }, { 0x1a62, 0x1a62 }, { 0x1a65, 0x1a6c },
	{ 0x1a73, 0x1a7f }, { 0x1ab0, 0x1b03 }, { 0x1b34, 0x1b34 },
	{ 0x1b36, 0x1b3a }, { 0x1b3c, 0x1b3c }, { 0x1b42, 0x1b42 },
	{ 0x1b6b, 0x1b73 }, { 0x1b80, 0x1b81 }, { 0x1ba2, 0x1ba5 },
	{ 0x1ba8, 0x1ba9 }, { 0x1bab, 0x1bad }, { 0x1be6, 0x1be6 },
	{ 0x1be8, 0x1be9 }, { 0x1bed, 0x1bed }, { 0x1bef, 0x1bf1 },
	{ 0x1c2c, 0x1c33 }, { 0x1c36, 0x1c37 }, { 0x1cd0, 0x1cd2 },
	{ 0x1cd4, 0x1ce0 }, { 0x1ce2, 0x1ce8 }, { 0x1ced, 0x1ced },
	{ 0x1cf4, 0x1cf4 }, { 0x1cf8, 0x1cf9 }, { 0x1dc0, 0x1dff },
	{ 0x200b, 0x200f }, { 0x202a, 0x202e }, { 0x2060, 0x206f },
	{ 0x20d0, 0x20f0 }, { 0x2cef, 0x2cf1 }, { 0x2d7f, 0x2d7f },
	{ 0x2de0, 0x2dff }, { 0x302a, 0x302d }, { 0x3099, 0x309a },
	{ 0xa66f, 0xa672 }, { 0xa674, 0xa67d }, { 0xa69e, 0xa69f },
	{ 0xa6f0, 0xa6f1 }, { 0xa802, 0xa802 }, { 0xa806, 0xa806 },
	{ 0xa80b, 0xa80b }, { 0xa825, 0xa826 }, { 0xa82c, 0xa82c },
	{ 0xa8c4, 0xa8c5 }, { 0xa8e0, 0xa8f1 }, { 0xa8ff, 0xa8ff },
	{ 0xa926, 0xa92d }, { 0xa947, 0xa951 }, { 0xa980, 0xa982 },
	{ 0xa9b3, 0xa9b3 }, { 0xa9b6, 0xa9b9 }, { 0xa9bc, 0xa9bd },
	{ 0xa9e5, 0xa9e5 }, { 0xaa29, 0xaa2e }, { 0xaa31, 0xaa32 },
	{ 0xaa35, 0xaa36 }, { 0xaa43, 0xaa43 }, { 0xaa4c, 0xaa4c },
	{ 0xaa7c, 0xaa7c }, { 0xaab0, 0xaab0 }, { 0xaab2, 0xaab4 },
	{ 0xaab7, 0xaab8 }, { 0xaabe, 0xaabf }, { 0xaac1, 0xaac1 },
	{ 0xaaec, 0xaaed }, { 0xaaf6, 0xaaf6 }, { 0xabe5, 0xabe5 },
	{ 0xabe8, 0xabe8 }, { 0xabed, 0xabed }, { 0xd7b0, 0xd7fb },
	{ 0xfb1e, 0xfb1e }, { 0xfe00, 0xfe0f }, { 0xfe20, 0xfe2f },
	{ 0xfeff, 0xfeff }, { 0xfff9, 0xfffb }, { 0x101fd, 0x101fd },
	{ 0x102e0, 0x102e0 }, { 0x10376, 0x1037a }, { 0x10a01, 0x10a0f },
	{ 0x10a38, 0x10a3f }, { 0x10ae5, 0x10ae6 }, { 0x10d24, 0x10d27 },
	{ 0x10eab, 0x10eac }, { 0x10f46, 0x10f50 }, { 0x10f82, 0x10f85 },
	{ 0x11001, 0x11001 }, { 0x11038, 0x11046 }, { 0x11070, 0x11070 },
	{ 0x11073, 0x11074 }, { 0x1107f, 0x11081 }, { 0x110b3, 0x110b6 },
	{ 0x110b9, 0x110ba }, { 0x110bd, 0x110bd }, { 0x110c2, 0x110cd },
	{ 0x11100, 0x11102 }, { 0x11127, 0x1112b }, { 0x1112d, 0x11134 },
	{ 0x11173, 0x11173 }, { 0x11180, 0x11181 }, { 0x111b6, 0x111be },
	{ 0x111c9, 0x111cc }, { 0x111cf, 0x111cf }, { 0x1122f, 0x11231 },
	{ 0x11234, 0x11234 }, { 0x11236, 0x11237 }, { 0x1123e, 0x1123e },
	{ 0x112df, 0x112df }, { 0x112e3, 0x112ea }, { 0x11300, 0x11301 },
	{ 0x1133b, 0x1133c }, { 0x11340, 0x11340 }, { 0x11366, 0x11374 },
	{ 0x11438, 0x1143f }, { 0x11442, 0x11444 }, { 0x11446, 0x11446 },
	{ 0x1145e, 0x1145e }, { 0x114b3, 0x114b8 }, { 0x114ba, 0x114ba },
	{ 0x114bf, 0x114c0 }, { 0x114c2, 0x114c3 }, { 0x115b2, 0x115b5 },
	{ 0x115bc, 0x115bd }, { 0x115bf, 0x115c0 }, { 0x115dc, 0x115dd },
	{ 0x11633, 0x1163a }, { 0x1163d, 0x1163d }, { 0x1163f, 0x11640 },
	{ 0x116ab, 0x116ab }, { 0x116ad, 0x116ad }, { 0x116b0, 0x116b5 },
	{ 0x116b7, 0x116b7 }, { 0x1171d, 0x1171f }, { 0x11722, 0x11725 },
	{ 0x11727, 0x1172b }, { 0x1182f, 0x11837 }, { 0x11839, 0x1183a },
	{ 0x1193b, 0x1193c }, { 0x1193e, 0x1193e }, { 0x11943, 0x11943 },
	{ 0x119d4, 0x119db }, { 0x119e0, 0x119e0 }, { 0x11a01, 0x11a0a },
	{ 0x11a33, 0x11a38 }, { 0x11a3b, 0x11a3e }, { 0x11a47, 0x11a47 },
	{ 0x11a51, 0x11a56 }, { 0x11a59, 0x11a5b }, { 0x11a8a, 0x11a96 },
	{ 0x11a98, 0x11a99 }, { 0x11c30, 0x11c3d }, { 0x11c3f, 0x11c3f },
	{ 0x11c92, 0x11ca7 }, { 0x11caa, 0x11cb0 }, { 0x11cb2, 0x11cb3 },
	{ 0x11cb5, 0x11cb6 }, { 0x11d31, 0x11d45 }, { 0x11d47, 0x11d47 },
	{ 0x11d90, 0x11d91 }, { 0x11d95, 0x11d95 }, { 0x11d97, 0x11d97 },
	{ 0x11ef3, 0x11ef4 }, { 0x13430, 0x13438 }, { 0x16af0, 0x16af4 },
	{ 0x16b30, 0x16b36 }, { 0x16f4f, 0x16f4f }, { 0x16f8f, 0x16f92 },
	{ 0x16fe4, 0x16fe4 }, { 0x1bc9d, 0x1bc9e }, { 0x1bca0, 0x1cf46 },
	{ 0x1d167, 0x1d169 }, { 0x1d173, 0x1d182 }, { 0x1d185, 0x1d18b },
	{ 0x1d1aa, 0x1d1ad }, { 0x1d242, 0x1d244 }, { 0x1da00, 0x1da36 },
	{ 0x1da3b, 0x1da6c }, { 0x1da75, 0x1da75 }, { 0x1da84, 0x1da84 },
	{ 0x1da9b, 0x1daaf }, { 0x1e000, 0x1e02a }, { 0x1e130, 0x1e136 },
	{ 0x1e2ae, 0x1e2ae }, { 0x1e2ec, 0x1e2ef }, { 0x1e8d0, 0x1e8d6 },
	{ 0x1e944, 0x1e94a }, { 0xe0001, 0xe01ef },
};

static const struct text_range text_wide[] = {
	{ 0x1100, 0x115f }, { 0x231a, 0x231b }, { 0x2329, 0x232a },
	{ 0x23e9, 0x23ec }, { 0x23f0, 0x23f0 }, { 0x23f3, 0x23f3 },
	{ 0x25fd, 0x25fe }, { 0x2614, 0x2615 }, { 0x2648, 0x2653 },
	{ 0x267f, 0x267f }, { 0x2693, 0x2693 }, { 0x26a1, 0x26a1 },
	{ 0x26aa, 0x26ab }, { 0x26bd, 0x26be }, { 0x26c4, 0x26c5 },
	{ 0x26ce, 0x26ce }, { 0x26d4, 0x26d4 }, { 0x26ea, 0x26ea },
	{ 0x26f2, 0x26f3 }, { 0x26f5, 0x26f5 }, { 0x26fa, 0x26fa },
	{ 0x26fd, 0x26fd }, { 0x2705, 0x2705 }, { 0x270a, 0x270b },
	{ 0x2728, 0x2728 }, { 0x274c, 0x274c }, { 0x274e, 0x274e },
	{ 0x2753, 0x2755 }, { 0x2757, 0x2757 }, { 0x2795, 0x2797 },
	{ 0x27b0, 0x27b0 }, { 0x27bf, 0x27bf }, { 0x2b1b, 0x2b1c },
	{ 0x2b50, 0x2b50 }, { 0x2b55, 0x2b55 }, { 0x2e80, 0x3029 },
	{ 0x302e, 0x303e }, { 0x3041, 0x3096 }, { 0x309b, 0x3247 },
	{ 0x3250, 0x4dbf }, { 0x4e00, 0xa4c6 }, { 0xa960, 0xa97c },
	{ 0xac00, 0xd7a3 }, { 0xf900, 0xfad9 }, { 0xfe10, 0xfe19 },
	{ 0xfe30, 0xfe6b }, { 0xff01, 0xff60 }, { 0xffe0, 0xffe6 },
	{ 0x16fe0, 0x16fe3 }, { 0x16ff0, 0x1b2fb }, { 0x1f004, 0x1f004 },
	{ 0x1f0cf, 0x1f0cf }, { 0x1f18e, 0x1f18e }, { 0x1f191, 0x1f19a },
	{ 0x1f200, 0x1f320 }, { 0x1f32d, 0x1f335 }, { 0x1f337, 0x1f37c },
	{ 0x1f37e, 0x1f393 }, { 0x1f3a0, 0x1f3ca }, { 0x1f3cf, 0x1f3d3 },
	{ 0x1f3e0, 0x1f3f0 }, { 0x1f3f4, 0x1f3f4 }, { 0x1f3f8, 0x1f43e },
	{ 0x1f440, 0x1f440 }, { 0x1f442, 0x1f4fc }, { 0x1f4ff, 0x1f53d },
	{ 0x1f54b, 0x1f54e }, { 0x1f550, 0x1f567 }, { 0x1f57a, 0x1f57a },
	{ 0x1f595, 0x1f596 }, { 0x1f5a4, 0x1f5a4 }, { 0x1f5fb, 0x1f64f },
	{ 0x1f680, 0x1f6c5 }, { 0x1f6cc, 0x1f6cc }, { 0x1f6d0, 0x1f6d2 },
	{ 0x1f6d5, 0x1f6df }, { 0x1f6eb, 0x1f6ec }, { 0x1f6f4, 0x1f6fc },
	{ 0x1f7e0, 0x1f7f0 }, { 0x1f90c, 0x1f93a }, { 0x1f93c, 0x1f945 },
	{ 0x1f947, 0x1f9ff }, { 0x1fa70, 0x1faf6 }, { 0x20000, 0x3fffd },
};

/* What an ill-formed unit, a stray C1 and U+2028/U+2029 are shown as. */
enum { TEXT_REPLACEMENT = 0xFFFD };

static bool text_in_table(const struct text_range *t, size_t n, uint32_t cp)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cp < t[mid].lo)
			hi = mid;
		else if (cp > t[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

/* Columns of a printable code point (controls never get here). */
static size_t text_cp_width(uint32_t cp)
{
	if (cp < 0x300)
		return 1;
	if (text_in_table(text_zero_width, sizeof(text_zero_width) / sizeof(text_zero_width[0]), cp))
		return 0;
	if (text_in_table(text_wide, sizeof(text_wide) / sizeof(text_wide[0]), cp))
		return 2;
	return 1;
}

/* Characters that are removed because they can disguise text (bidi controls, invisible
 * joiners and spaces). */
static bool text_is_dropped(uint32_t cp)
{
	return cp == 0x061C || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

/* Decodes one unit at s[0..len), len >= 1.  Returns the bytes consumed (>= 1) and sets
 * *cp to the code point, to a C1 value 0x80..0x9F for a raw C1 byte, or to UTF8_INVALID
 * for an ill-formed sequence (all of whose bytes are consumed as one unit). */
static size_t text_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	/* ASCII (most text, so no call), or a raw C1 byte where a character should start. */
	if (s[0] <= 0x9F) {
		*cp = s[0];
		return 1;
	}
	return utf8_decode(s, len, cp);
}

/* ---- escape sequences: each returns the index just past what it drops ---- */

static bool text_in(unsigned char c, unsigned char lo, unsigned char hi)
{
	return c >= lo && c <= hi;
}

/* CSI body starting at s[i]: parameters 0x30-0x3F, intermediates 0x20-0x2F, final
 * 0x40-0x7E.  A foreign byte ends it early and is decoded afresh. */
static size_t text_skip_csi(const unsigned char *s, size_t len, size_t i)
{
	while (i < len && text_in(s[i], 0x30, 0x3F))
		i++;
	while (i < len && text_in(s[i], 0x20, 0x2F))
		i++;
	if (i < len && text_in(s[i], 0x40, 0x7E))
		i++;
	return i;
}

/* OSC/DCS/SOS/PM/APC body starting at s[i], up to and including its terminator (BEL,
 * ESC \, C1 ST).  Another ESC, CAN or SUB ends it without being consumed. */
static size_t text_skip_string(const unsigned char *s, size_t len, size_t i)
{
	while (i < len) {
		unsigned char c = s[i];
		if (c == 0x07)
			return i + 1;
		if (c == 0x1B)
			return (i + 1 < len && s[i + 1] == '\\') ? i + 2 : i;
		if (c == 0x18 || c == 0x1A)
			return i;
		uint32_t cp;
		size_t n = text_decode(s + i, len - i, &cp);
		if (cp == 0x9C)
			return i + n;
		i += n;
	}
	return len;
}

/* What follows an introducer (ESC x or its C1 form): 'C' CSI, 'S' string, 0 neither. */
static char text_intro_kind(uint32_t c1)
{
	switch (c1) {
	case 0x9B:
		return 'C';
	case 0x90: case 0x98: case 0x9D: case 0x9E: case 0x9F:
		return 'S';
	default:
		return 0;
	}
}

/* ESC at s[i]: returns the index past the dropped sequence. */
static size_t text_skip_esc(const unsigned char *s, size_t len, size_t i)
{
	i++;
	if (i >= len)
		return len;
	unsigned char c = s[i];
	/* ESC + (0x40..0x5F) is the 7-bit spelling of C1 (c + 0x40) */
	char kind = text_in(c, 0x40, 0x5F) ? text_intro_kind((uint32_t)c + 0x40) : 0;
	if (kind == 'C')
		return text_skip_csi(s, len, i + 1);
	if (kind == 'S')
		return text_skip_string(s, len, i + 1);
	while (i < len && text_in(s[i], 0x20, 0x2F))
		i++;
	if (i < len && text_in(s[i], 0x30, 0x7E))
		i++;
	return i;
}

/* ---- sinks ---- */

struct text_sink {
	char *buf;        /* NULL: measure only */
	size_t cap;       /* bytes in buf, NUL included */
	size_t len;       /* bytes written */
	size_t col;       /* columns written */
	size_t max_cols;  /* stop before exceeding this many columns */
	bool stopped;     /* something did not fit: nothing more is written */
};

static void text_emit(struct text_sink *k, const char *bytes, size_t n, size_t width)
{
	if (k->stopped)
		return;
	if (k->col + width > k->max_cols || (k->buf && k->len + n + 1 > k->cap)) {
		k->stopped = true;
		return;
	}
	if (k->buf)
		memcpy(k->buf + k->len, bytes, n);
	k->len += n;
	k->col += width;
}

static void text_emit_cp(struct text_sink *k, uint32_t cp)
{
	char enc[UTF8_MAX_BYTES];
	size_t n = utf8_encode(cp, enc);
	text_emit(k, enc, n, text_cp_width(cp));
}

/* A run of printable ASCII, each byte one column, copied at once: the same as emitting
 * it byte by byte (as many bytes as fit, then stopped), without the per-byte work that
 * log lines, nearly all plain ASCII, would otherwise pay (issue 10, log ingest). */
static void text_emit_ascii(struct text_sink *k, const unsigned char *s, size_t run)
{
	size_t n = run;
	if (n > k->max_cols - k->col)
		n = k->max_cols - k->col;
	if (k->buf && n > k->cap - k->len - 1)
		n = k->cap - k->len - 1;
	if (k->buf)
		memcpy(k->buf + k->len, s, n);
	k->len += n;
	k->col += n;
	if (n < run)
		k->stopped = true;
}

/* The one pass (see the top of this file). */
static void text_run(const unsigned char *s, size_t len, struct text_sink *k)
{
	size_t i = 0;
	while (i < len && !k->stopped) {
		unsigned char c = s[i];
		if (c >= 0x20 && c < 0x7F) {
			size_t j = i + 1;
			while (j < len && s[j] >= 0x20 && s[j] < 0x7F)
				j++;
			text_emit_ascii(k, s + i, j - i);
			i = j;
			continue;
		}
		if (c == 0x1B) {
			i = text_skip_esc(s, len, i);
			continue;
		}
		if (c == '\t') {
			static const char spaces[] = "        ";
			text_emit(k, spaces, 8 - k->col % 8, 8 - k->col % 8);
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7F) {
			char caret[2] = { '^', (char)(c ^ 0x40) };
			text_emit(k, caret, 2, 2);
			i++;
			continue;
		}
		uint32_t cp;
		size_t n = text_decode(s + i, len - i, &cp);
		i += n;
		if (cp >= 0x80 && cp <= 0x9F) {
			char kind = text_intro_kind(cp);
			if (kind == 'C')
				i = text_skip_csi(s, len, i);
			else if (kind == 'S')
				i = text_skip_string(s, len, i);
			else
				text_emit_cp(k, TEXT_REPLACEMENT);
		} else if (cp == UTF8_INVALID || cp == 0x2028 || cp == 0x2029) {
			text_emit_cp(k, TEXT_REPLACEMENT);
		} else if (!text_is_dropped(cp)) {
			text_emit_cp(k, cp);
		}
	}
}

static void text_terminate(struct text_sink *k)
{
	if (k->buf && k->cap > 0)
		k->buf[k->len] = '\0';
}

size_t text_sanitize(const char *in, size_t len, char *out, size_t cap)
{
	if (!out || cap == 0)
		return 0;
	struct text_sink k = { .buf = out, .cap = cap, .max_cols = SIZE_MAX };
	if (in)
		text_run((const unsigned char *)in, len, &k);
	text_terminate(&k);
	return k.col;
}

size_t text_width(const char *s)
{
	struct text_sink k = { .max_cols = SIZE_MAX };
	if (s)
		text_run((const unsigned char *)s, strlen(s), &k);
	return k.col;
}

void text_fit(const char *s, size_t cols, char *out, size_t cap)
{
	if (!out || cap == 0)
		return;
	if (!s || cols == 0) {
		out[0] = '\0';
		return;
	}
	size_t len = strlen(s);
	bool wider = text_width(s) > cols;
	/* when it is too wide, keep one column for the ellipsis */
	struct text_sink k = { .buf = out, .cap = cap, .max_cols = wider ? cols - 1 : cols };
	text_run((const unsigned char *)s, len, &k);
	k.stopped = false;
	k.max_cols = cols;
	if (wider)
		text_emit(&k, "\xE2\x80\xA6", 3, 1);
	while (k.col < cols && !k.stopped)
		text_emit(&k, " ", 1, 1);
	text_terminate(&k);
}
