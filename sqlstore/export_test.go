package sqlstore

import (
	"context"
	"database/sql"
)

// MigrateTo applies the migrations up to version only, so that a test can
// store rows as an older release did and then migrate them.
func (s *Store) MigrateTo(ctx context.Context, version int) error {
	migrations, err := loadMigrations(s.dialect)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.prepareMigrationTable(ctx, tx); err != nil {
			return err
		}
		for _, m := range migrations[:version] {
			if err := s.applyMigration(ctx, tx, m); err != nil {
				return err
			}
		}
		return nil
	})
}
