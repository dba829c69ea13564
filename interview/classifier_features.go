package interview

import (
	"math"
	"slices"
	"strings"
)

// The classifier reads a text as a bag of features over folded tokens
// (lower case, no accents): stemmed words, pairs of consecutive stemmed
// words, and the character 3- to 5-grams of each word. Stems join
// inflections ("demitido", "demitida", "demitiram" → "demit"); character
// grams catch typos and unlisted derivations ("trabaiava" shares "trab"
// and "aba" with "trabalhava"). Function words carry no area and are left
// out.

const (
	charGramMin = 3
	charGramMax = 5
	// charGramWeight scales the many character grams of a word so that,
	// together, they weigh about as much as the word itself.
	charGramWeight = 0.25
)

// features is a sparse feature vector: feature hash → value. Features are
// hashed (64-bit FNV-1a of their kind and text) rather than kept as
// strings, so reading a text allocates no string per character gram; at a
// few hundred thousand distinct features a collision is vanishingly rare.
type features map[uint64]float64

// Feature kinds, hashed in front of the feature's text.
const (
	kindWord   = 'w'
	kindBigram = 'b'
	kindChar   = 'c'
)

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func hashString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h
}

func hashKind(kind byte) uint64 { return (fnvOffset ^ uint64(kind)) * fnvPrime }

// textFeatures turns messages into features (filler turns dropped).
func textFeatures(messages []string) features { return wordFeatures(readClientWords(messages)) }

// wordFeatures turns folded words into features, L2-normalised so that
// long and short descriptions weigh alike. A word pair never spans two
// messages.
func wordFeatures(toks []token) features {
	f := make(features, len(toks)*12)
	prev, part := "", -1
	for _, t := range toks {
		w := t.word
		if t.part != part {
			prev, part = "", t.part
		}
		if stopwords[w] || len(w) < 2 {
			prev = ""
			continue
		}
		s := stem(w)
		f[hashString(hashKind(kindWord), s)]++
		if prev != "" {
			f[hashString(hashString(hashKind(kindBigram), prev)*fnvPrime^'_', s)]++
		}
		prev = s
		addCharGrams(f, w)
	}
	normalise(f)
	return f
}

// addCharGrams adds the character n-grams of w, bounded by "<" and ">".
func addCharGrams(f features, w string) {
	if len(w) < charGramMin || allDigits(w) {
		return
	}
	n := len(w) + 2
	at := func(i int) byte {
		switch i {
		case 0:
			return '<'
		case n - 1:
			return '>'
		}
		return w[i-1]
	}
	for size := charGramMin; size <= charGramMax; size++ {
		for i := 0; i+size <= n; i++ {
			h := hashKind(kindChar)
			for j := i; j < i+size; j++ {
				h = (h ^ uint64(at(j))) * fnvPrime
			}
			f[h] += charGramWeight
		}
	}
}

// normalise damps repeated features (log(1+count)) and scales f to unit
// length. The squared length is summed by distinct count, in ascending
// order: a float sum over the map would depend on its iteration order, and
// the same text must always give the same bits (the fitted model is
// compared byte for byte). Counts are multiples of charGramWeight, so there
// are only a few distinct ones.
func normalise(f features) {
	tally := map[float64]int{}
	for _, v := range f {
		tally[v]++
	}
	counts := make([]float64, 0, len(tally))
	for c := range tally {
		counts = append(counts, c)
	}
	slices.Sort(counts)
	sum := 0.0
	for _, c := range counts {
		v := math.Log1p(c)
		sum += float64(tally[c]) * v * v
	}
	if sum == 0 {
		return
	}
	norm := math.Sqrt(sum)
	for k, v := range f {
		f[k] = math.Log1p(v) / norm
	}
}

func allDigits(w string) bool {
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// stem is a light Portuguese stemmer for folded words: it drops plural and
// gender endings and the commonest verb and noun suffixes, keeping at least
// four letters. It only has to map inflections of one word together; it
// never has to produce a real root.
func stem(w string) string {
	if len(w) <= 4 || allDigits(w) {
		return w
	}
	for _, suf := range stemSuffixes {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 4 {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

// stemSuffixes are tried in order, longest first within each family.
var stemSuffixes = []string{
	// nouns and adjectives
	"amentos", "imentos", "amento", "imento", "acoes", "icoes", "mente", "acao", "icao", "coes", "cao", "idades", "idade",
	"ancias", "ancia", "encias", "encia", "istas", "ista", "osos", "osas", "oso", "osa", "ivos", "ivas", "ivo", "iva",
	"aveis", "ivel", "avel", "eis", "oes", "aes", "ais",
	// verbs
	"assemos", "essemos", "issemos", "aramos", "eramos", "iramos", "avamos", "ariam", "eriam", "iriam", "aram", "eram", "iram",
	"avam", "ando", "endo", "indo", "aria", "eria", "iria", "ados", "adas", "idos", "idas", "ava", "ado", "ada", "ido", "ida",
	"ar", "er", "ir", "ou", "eu", "iu", "ei", "am", "em",
	// plural and gender
	"os", "as", "es", "o", "a", "e", "s",
}

// stopwords are folded function words: they say nothing about the area.
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a o as os um uma uns umas de do da dos das d em no na nos nas num numa
		e ou mas nem que se pra pro pras pros para por pelo pela pelos pelas com sem sob sobre ate entre
		eu tu ele ela nos vos eles elas me te lhe lhes mim ti si comigo voce voces vc vcs
		meu minha meus minhas teu tua seu sua seus suas nosso nossa nossos nossas dele dela deles delas
		isso isto aquilo esse essa esses essas este esta estes estas aquele aquela aqueles aquelas
		ai la aqui ali ja so tambem tbm ainda muito muita muitos muitas pouco mais menos bem mal
		foi fui era ser estar estou esta estava tem tenho tinha ter ha havia vai vou sao
		como quando onde porque pq porque oq qual quais quem cada todo toda todos todas tudo nada
		entao assim agora depois antes hoje ontem dia dias mes meses ano anos vez vezes
		oi ola bom boa tarde noite obrigado obrigada favor ajuda ajudar preciso queria gostaria sei
		q ta to tô pra ne né aí lá`) {
		m[fold(w)] = true
	}
	return m
}()
