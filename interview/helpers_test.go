package interview

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

// talk runs a conversation: the greeting, then each line of the client
// (followed by fillers once the lines run out) until the interviewer
// completes, at most 20 turns. It returns every message and every turn.
func talk(t testing.TB, iv *Interviewer, lines []string, filler ...string) ([]triagem.Message, []triagem.Turn) {
	t.Helper()
	ctx := context.Background()
	greeting, err := iv.Greeting(ctx)
	require.NoError(t, err)
	msgs := []triagem.Message{{Role: triagem.AuthorInterviewer, Text: greeting}}
	if len(filler) == 0 {
		filler = []string{"Não sei."}
	}
	var turns []triagem.Turn
	for i := range 20 {
		text := filler[i%len(filler)]
		if i < len(lines) {
			text = lines[i]
		}
		msgs = append(msgs, triagem.Message{Index: len(msgs), Role: triagem.AuthorClient, Text: text})
		turn, err := iv.Next(ctx, msgs)
		require.NoError(t, err)
		turns = append(turns, turn)
		msgs = append(msgs, triagem.Message{Index: len(msgs), Role: triagem.AuthorInterviewer, Text: turn.Reply})
		if turn.Assessment.Complete {
			return msgs, turns
		}
	}
	t.Fatalf("the interview never completed")
	return nil, nil
}

// assess returns the assessment of a conversation of one client message.
func assess(t testing.TB, text string) triagem.Assessment {
	t.Helper()
	turn, err := New(Config{}).Next(context.Background(), clientSays(text))
	require.NoError(t, err)
	return turn.Assessment
}

// clientSays is a greeting followed by the client's messages.
func clientSays(texts ...string) []triagem.Message {
	msgs := []triagem.Message{{Role: triagem.AuthorInterviewer, Text: greeting}}
	for _, text := range texts {
		msgs = append(msgs, triagem.Message{Role: triagem.AuthorClient, Text: text})
	}
	return msgs
}

// questionTopics returns the topic each reply asks about: a topic name,
// "fato: " and its text for one of the area's fact questions, "esclarecimento" for the
// clarification, "" for the closing message.
func questionTopics(turns []triagem.Turn) []string {
	var out []string
	for _, turn := range turns {
		name := ""
		for t := range topicCount {
			for _, q := range allTopicQuestions(t) {
				if strings.Contains(turn.Reply, q) {
					name = t.String()
				}
			}
		}
		for _, q := range allFactQuestions() {
			if strings.Contains(turn.Reply, q.text) {
				name = "fato: " + q.text
			}
		}
		if strings.Contains(turn.Reply, clarifyQuestion) {
			name = "esclarecimento"
		}
		out = append(out, name)
	}
	return out
}
