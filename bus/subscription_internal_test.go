package bus

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

func events(epoch string, seqs ...int64) []triagem.Event {
	out := make([]triagem.Event, len(seqs))
	for i, seq := range seqs {
		out[i] = triagem.Event{Seq: seq, Epoch: epoch}
	}
	return out
}

func seqsOf(events []triagem.Event) []int64 {
	var out []int64
	for _, ev := range events {
		out = append(out, ev.Seq)
	}
	return out
}

func TestMergePending(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		pending     []triagem.Event
		lastSeq     int64
		epoch       string
		want        []int64
		readHistory bool
	}{
		{name: "in order", pending: events("x", 4, 5), lastSeq: 3, epoch: "x", want: []int64{4, 5}},
		{name: "sorted and deduplicated", pending: events("x", 6, 3, 5, 4, 5, 2), lastSeq: 3, epoch: "x", want: []int64{4, 5, 6}},
		{name: "all delivered already", pending: events("x", 2, 3), lastSeq: 3, epoch: "x"},
		{name: "gap", pending: events("x", 4, 6), lastSeq: 3, epoch: "x", readHistory: true},
		{name: "gap at start", pending: events("x", 5), lastSeq: 3, epoch: "x", readHistory: true},
		{name: "other epoch", pending: events("y", 4), lastSeq: 3, epoch: "x", readHistory: true},
		{name: "unknown epoch is learnt", pending: events("y", 1, 2), lastSeq: 0, epoch: "", want: []int64{1, 2}},
		{name: "mixed epochs", pending: append(events("y", 1), events("z", 2)...), lastSeq: 0, epoch: "", readHistory: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ready, readHistory := mergePending(tt.pending, tt.lastSeq, tt.epoch)
			require.Equal(t, tt.readHistory, readHistory)
			require.Equal(t, tt.want, seqsOf(ready))
		})
	}
}

func TestReaches(t *testing.T) {
	t.Parallel()
	h := history{Head: 10, Epoch: "x", Events: events("x", 6, 7, 8, 9, 10)}
	require.True(t, reaches(h, 5, "x"))
	require.True(t, reaches(h, 5, ""), "an unknown epoch matches")
	require.False(t, reaches(h, 5, "y"), "another epoch never resumes")
	require.False(t, reaches(history{Head: 10, Epoch: "x"}, 4, "x"), "trimmed past the position")
	require.True(t, reaches(history{Head: 10, Epoch: "x"}, 10, "x"), "at the head")
	require.False(t, reaches(history{Head: 10, Epoch: "x"}, 11, "x"), "ahead of the head")
	require.True(t, reaches(history{}, 0, ""), "empty case, empty position")
	require.False(t, reaches(history{}, 3, ""), "position on a lost history")
}
