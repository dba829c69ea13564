package interview

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// fold lower-cases s and strips its accents ("FALÊNCIA" → "falencia"), so
// that the lexicon matches however the client typed a word. Invalid UTF-8
// becomes a space.
func fold(s string) string {
	return newFoldedText(s).folded
}

// foldedText is a text folded for matching that remembers, for every folded
// byte, where it came from: a match found in the folded text can then be
// reported exactly as the client wrote it ("há 3 meses", "São Paulo").
type foldedText struct {
	orig   string
	folded string
	// origAt[i] is the offset in orig of the rune that produced folded[i];
	// origAt[len(folded)] is len(orig).
	origAt []int
	tokens []token
}

// token is one word of the folded text: a run of letters and digits.
type token struct {
	word       string // folded
	start, end int    // byte offsets in folded
	// part numbers the client message the token is in: a phrase never
	// spans two messages.
	part int
}

// newFoldedText folds s and splits it into words.
func newFoldedText(s string) *foldedText {
	t := &foldedText{orig: s, origAt: make([]int, 0, len(s)+1)}
	var b strings.Builder
	b.Grow(len(s))
	var scratch [utf8.UTFMax * 4]byte
	for i, r := range s {
		folded := foldRune(scratch[:0], r)
		b.Write(folded)
		for range folded {
			t.origAt = append(t.origAt, i)
		}
	}
	t.folded = b.String()
	t.origAt = append(t.origAt, len(s))
	t.tokens = tokenize(t.folded)
	return t
}

// foldRune appends the folded form of r to dst: ASCII lower-cased; anything
// else decomposed (NFD), combining marks dropped, lower-cased. An invalid
// byte becomes a space so that the output is always valid UTF-8.
func foldRune(dst []byte, r rune) []byte {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(dst, byte(r))
	}
	if r == utf8.RuneError {
		return append(dst, ' ')
	}
	var buf [utf8.UTFMax * 4]byte
	for _, d := range string(norm.NFD.AppendString(buf[:0], string(r))) {
		if unicode.Is(unicode.Mn, d) {
			continue
		}
		dst = utf8.AppendRune(dst, unicode.ToLower(d))
	}
	return dst
}

// tokenize splits folded text into words: maximal runs of letters and
// digits. Everything else (spaces, punctuation, hyphens) separates words, so
// "e-mail" is the two words "e" and "mail", as in the lexicon. A NUL byte
// separates the client's messages (see partSeparator): it starts a new part.
func tokenize(folded string) []token {
	var toks []token
	part, start := 0, -1
	for i, r := range folded {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			toks = append(toks, token{word: folded[start:i], start: start, end: i, part: part})
			start = -1
		}
		if r == 0 {
			part++
		}
	}
	if start >= 0 {
		toks = append(toks, token{word: folded[start:], start: start, end: len(folded), part: part})
	}
	return toks
}

// partSeparator joins the client's messages into one text: a line break
// (so a message starts a sentence) around a NUL (so a phrase never spans two
// messages). Messages have their own NULs replaced first.
const partSeparator = "\n\x00\n"

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// original returns the client's own text for the folded span [start, end).
func (t *foldedText) original(start, end int) string {
	return t.orig[t.origAt[start]:t.origAt[end]]
}

// tokenOriginal returns token i as the client wrote it.
func (t *foldedText) tokenOriginal(i int) string {
	return t.original(t.tokens[i].start, t.tokens[i].end)
}

// atSentenceStart reports whether token i opens a sentence (or the text), where
// a capital letter says nothing about a proper noun.
func (t *foldedText) atSentenceStart(i int) bool {
	before := strings.TrimRightFunc(t.orig[:t.origAt[t.tokens[i].start]], func(r rune) bool {
		return unicode.IsSpace(r) && r != '\n' || r == '"' || r == '\'' || r == '(' || r == '“'
	})
	if before == "" {
		return true
	}
	last, _ := utf8.DecodeLastRuneInString(before)
	return strings.ContainsRune(".!?:;\n…", last)
}
