package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

func testConcurrency(t *testing.T, newStore func(t *testing.T) triagem.Store) {
	t.Run("SameVersionExactlyOneWins", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		c := newCase()
		createCase(ctx, t, store, c, turn("Olá")...)

		const writers = 4
		var (
			errs  = make([]error, writers)
			start = make(chan struct{})
			wg    sync.WaitGroup
		)
		for i := range writers {
			read := *c // each writer read version 1
			wg.Go(func() {
				<-start
				errs[i] = store.CaseUpdate(ctx, triagem.CaseWrite{
					Case:     &read,
					Messages: turn(fmt.Sprintf("writer %d", i)),
					Result:   &triagem.Result{ConversationSummary: fmt.Sprintf("writer %d", i)},
				})
			})
		}
		close(start)
		wg.Wait()

		winner := -1
		for i, err := range errs {
			if err == nil {
				require.Equal(t, -1, winner, "writers %d and %d both won", winner, i)
				winner = i
				continue
			}
			requireCode(t, err, triagem.ECONFLICT)
		}
		require.NotEqual(t, -1, winner, "nobody won: %v", errs)

		got, err := store.CaseGet(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, int64(2), got.Version)
		messages, err := store.MessageList(ctx, c.ID)
		require.NoError(t, err)
		require.Len(t, messages, 2, "only the winner's message is appended")
		require.Equal(t, fmt.Sprintf("writer %d", winner), messages[1].Text)
		result, err := store.ResultGet(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, fmt.Sprintf("writer %d", winner), result.ConversationSummary)
	})

	t.Run("ParallelWritersOnDifferentCases", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		const (
			cases   = 8
			updates = 5
		)
		var wg sync.WaitGroup
		errs := make([]error, cases)
		ids := make([]string, cases)
		for i := range cases {
			c := newCase()
			ids[i] = c.ID
			wg.Go(func() {
				if errs[i] = store.CaseCreate(ctx, triagem.CaseWrite{Case: c, Messages: turn("Olá")}); errs[i] != nil {
					return
				}
				for range updates {
					errs[i] = store.CaseUpdate(ctx, triagem.CaseWrite{Case: c, Messages: turn("pergunta", "resposta")})
					if errs[i] != nil {
						return
					}
				}
			})
		}
		wg.Wait()

		for i, err := range errs {
			require.NoError(t, err, "case %d", i)
		}
		for _, id := range ids {
			got, err := store.CaseGet(ctx, id)
			require.NoError(t, err)
			require.Equal(t, int64(1+updates), got.Version)
			messages, err := store.MessageList(ctx, id)
			require.NoError(t, err)
			require.Len(t, messages, 1+2*updates)
		}
		counts, err := store.CaseCountByStatus(ctx)
		require.NoError(t, err)
		require.Equal(t, cases, counts[triagem.StatusInterviewing])
	})
}
