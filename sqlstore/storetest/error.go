package storetest

import (
	"context"
	"database/sql"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

func testErrors(t *testing.T, newStore func(t *testing.T) triagem.Store) {
	t.Run("NotFoundOnEveryMethod", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		// Another case exists, so an empty table cannot pass for not-found.
		createCase(ctx, t, store, newCase(), turn("Olá")...)

		for _, id := range []string{uuid.NewString(), "not-a-uuid", ""} {
			_, err := store.CaseGet(ctx, id)
			requireCode(t, err, triagem.ENOTFOUND)
			require.Contains(t, err.Error(), "case get "+id, "errors name the operation and id")

			c := newCase()
			c.ID = id
			c.Version = 1
			hookRan := false
			err = store.CaseUpdate(ctx, triagem.CaseWrite{
				Case:     c,
				Messages: turn("perdida"),
				Hook:     func(context.Context, *sql.Tx) error { hookRan = true; return nil },
			})
			requireCode(t, err, triagem.ENOTFOUND)
			require.False(t, hookRan, "the hook does not run for a missing case")
			require.Equal(t, int64(1), c.Version)

			requireCode(t, store.CaseDelete(ctx, id), triagem.ENOTFOUND)

			_, err = store.MessageList(ctx, id)
			requireCode(t, err, triagem.ENOTFOUND)

			_, err = store.ResultGet(ctx, id)
			requireCode(t, err, triagem.ENOTFOUND)
		}
	})

	t.Run("WriteWithoutCaseIsInvalid", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		requireCode(t, store.CaseCreate(ctx, triagem.CaseWrite{}), triagem.EINVALID)
		requireCode(t, store.CaseUpdate(ctx, triagem.CaseWrite{}), triagem.EINVALID)
	})

	t.Run("CanceledContextWritesNothing", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		c := newCase()
		createCase(ctx, t, store, c)
		canceled, cancel := context.WithCancel(ctx)
		cancel()
		next := *c
		require.Error(t, store.CaseUpdate(canceled, triagem.CaseWrite{Case: &next, Messages: turn("x")}))
		require.Equal(t, c.Version, next.Version)

		got, err := store.CaseGet(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, *c, *got)
	})

	t.Run("Ping", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		require.NoError(t, store.Ping(ctx))
	})
}
