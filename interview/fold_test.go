package interview

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFold(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"FALÊNCIA", "falencia"},
		{"Falência", "falencia"},
		{"recuperação judicial", "recuperacao judicial"},
		{"Há 3 meses, em São Paulo", "ha 3 meses, em sao paulo"},
		{"e\u0301 decomposto", "e decomposto"}, // "é" written as e + combining acute
		{"ÇÃÕÜ àèìòù", "caou aeiou"},
		{"R$ 1.500,00", "r$ 1.500,00"},
		{"inválido \xff aqui", "invalido   aqui"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, fold(tt.in))
		})
	}
}

func TestTokenizeSplitsOnEverythingButLettersAndDigits(t *testing.T) {
	t.Parallel()
	var words []string
	for _, tok := range newFoldedText("Mandei E-MAIL p/ a Cia. (12/03)").tokens {
		words = append(words, tok.word)
	}
	require.Equal(t, []string{"mandei", "e", "mail", "p", "a", "cia", "12", "03"}, words)
}

func TestFoldedTextMapsBackToWhatWasWritten(t *testing.T) {
	t.Parallel()
	ft := newFoldedText("Foi há 3 meses, em São Paulo.")
	i := indexOfWord(ft, "ha")
	require.Equal(t, "há", ft.tokenOriginal(i))
	require.Equal(t, "há 3 meses", ft.original(ft.tokens[i].start, ft.tokens[i+2].end))
	j := indexOfWord(ft, "sao")
	require.Equal(t, "São Paulo", ft.original(ft.tokens[j].start, ft.tokens[j+1].end))
}

func TestSentenceStart(t *testing.T) {
	t.Parallel()
	ft := newFoldedText("Azul atrasou. Depois a Gol também!\nLatam")
	require.True(t, ft.atSentenceStart(indexOfWord(ft, "azul")))
	require.True(t, ft.atSentenceStart(indexOfWord(ft, "depois")))
	require.False(t, ft.atSentenceStart(indexOfWord(ft, "gol")))
	require.True(t, ft.atSentenceStart(indexOfWord(ft, "latam")))
}

func TestVocabularyMatchesWholeWordsOnly(t *testing.T) {
	t.Parallel()
	v := newVocabulary()
	pe := v.add("PE")
	marca := v.add("marca")
	email := v.add("e-mail")
	found := func(text string) []int {
		var ids []int
		for _, h := range v.find(newFoldedText(text).tokens) {
			ids = append(ids, h.id)
		}
		return ids
	}
	require.Empty(t, found("Voo cancelado pela companhia, pesadelo, PEdido"))
	require.Equal(t, []int{pe}, found("Recife - PE"))
	require.Empty(t, found("marcação de consulta, desmarcaram, marcas"))
	require.Equal(t, []int{marca}, found("a Marca"))
	require.Equal(t, []int{email, email}, found("mandei um E-mail e outro e mail"))
}

func TestPhrasesNeverSpanTwoMessages(t *testing.T) {
	t.Parallel()
	v := newVocabulary()
	v.add("nome sujo")
	require.Empty(t, v.find(newFoldedText("meu nome"+partSeparator+"sujo é o quintal").tokens))
	require.Len(t, v.find(newFoldedText("meu nome sujo").tokens), 1)
}

func indexOfWord(ft *foldedText, word string) int {
	for i, tok := range ft.tokens {
		if tok.word == word {
			return i
		}
	}
	return -1
}
