package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

func testMessages(t *testing.T, newStore func(t *testing.T) triagem.Store) {
	t.Run("CreateAssignsIndices", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		at := time.Date(2025, 6, 1, 9, 30, 0, 999999999, time.FixedZone("BRT", -3*60*60))
		c := newCase()
		messages := []triagem.Message{
			{Role: triagem.AuthorInterviewer, Text: "Olá! Conte o seu problema.", At: at},
			{CaseID: "ignored", Index: 9, Role: triagem.AuthorClient, Text: "Fui demitido sem justa causa."},
		}
		before := time.Now()
		createCase(ctx, t, store, c, messages...)
		after := time.Now()

		require.Equal(t, triagem.Message{
			CaseID: c.ID, Index: 0, Role: triagem.AuthorInterviewer, Text: "Olá! Conte o seu problema.",
			At: time.Date(2025, 6, 1, 12, 30, 0, 999999000, time.UTC),
		}, messages[0])
		require.Equal(t, c.ID, messages[1].CaseID)
		require.Equal(t, 1, messages[1].Index)
		requireWithin(t, messages[1].At, before, after)

		got, err := store.MessageList(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, messages, got)
	})

	t.Run("AppendAcrossUpdatesInOrder", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		c := newCase()
		want := turn("greeting")
		createCase(ctx, t, store, c, want...)
		for update := 1; update <= 4; update++ {
			var texts []string
			for i := range update { // 1, 2, 3, 4 messages per write
				texts = append(texts, fmt.Sprintf("update %d message %d", update, i))
			}
			messages := turn(texts...)
			require.NoError(t, store.CaseUpdate(ctx, triagem.CaseWrite{Case: c, Messages: messages}))
			want = append(want, messages...)
		}
		// No messages in a write appends nothing.
		require.NoError(t, store.CaseUpdate(ctx, triagem.CaseWrite{Case: c}))

		got, err := store.MessageList(ctx, c.ID)
		require.NoError(t, err)
		require.Len(t, got, 1+1+2+3+4)
		for i, m := range got {
			require.Equal(t, i, m.Index, "indices are contiguous from 0")
		}
		require.Equal(t, want, got)
	})

	t.Run("MessagesKeepTheirCase", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		first, second := newCase(), newCase()
		createCase(ctx, t, store, first, turn("a", "b")...)
		createCase(ctx, t, store, second, turn("c")...)
		require.NoError(t, store.CaseUpdate(ctx, triagem.CaseWrite{Case: second, Messages: turn("d")}))

		got, err := store.MessageList(ctx, second.ID)
		require.NoError(t, err)
		require.Len(t, got, 2)
		require.Equal(t, []string{"c", "d"}, []string{got[0].Text, got[1].Text})
		require.Equal(t, []int{0, 1}, []int{got[0].Index, got[1].Index})
	})

	t.Run("TextRoundTrips", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		text := "Ação de cobrança: R$ 1.234,56 — \"aspas\", 'apóstrofo', \\barra\\, $1 ?, emoji ⚖️\nlinha 2\ttab"
		c := newCase()
		createCase(ctx, t, store, c, triagem.Message{Role: triagem.AuthorClient, Text: text})

		got, err := store.MessageList(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, text, got[0].Text)
	})

	t.Run("CaseWithoutMessagesListsEmpty", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		c := newCase()
		createCase(ctx, t, store, c)
		got, err := store.MessageList(ctx, c.ID)
		require.NoError(t, err)
		require.NotNil(t, got)
		require.Empty(t, got)
	})
}
