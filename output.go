package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// writeFile writes data to path atomically with mode 0600, because a
// ticket holds tokens: it writes a temporary file in the same folder, then
// links it into place, which fails if path exists. With force, it renames
// over an existing file instead.
func writeFile(path string, data []byte, force bool) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".altegio-ticket-*.tmp") // mode 0600
	if err != nil {
		return fmt.Errorf("creating a file in %s: %w", dir, err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // a no-op once linked or renamed away
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", tmpName, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", tmpName, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", tmpName, err)
	}
	if force {
		return os.Rename(tmpName, path)
	}
	err = os.Link(tmpName, path)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrExist):
		return fmt.Errorf("%s already exists; choose another -o or add --force", path)
	}
	// Some file systems have no hard links; fall back to a checked rename,
	// which can only race with another writer of the same new name.
	if _, statErr := os.Lstat(path); statErr == nil {
		return fmt.Errorf("%s already exists; choose another -o or add --force", path)
	}
	return os.Rename(tmpName, path)
}
