package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/altegio/altegio-ticket/report"
)

// writeFile writes data to path as writeFileWith does.
func writeFile(path string, data []byte, force bool) error {
	return writeFileWith(path, force, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeFileWith writes path atomically with mode 0600, because a ticket
// holds tokens: write streams the content into a temporary file in the
// same folder, which is then linked into place, which fails if path
// exists. With force, it renames over an existing file instead. The
// content is never held in memory whole: a ticket is streamed from the
// parts it is made of.
func writeFileWith(path string, force bool, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".altegio-ticket-*.tmp") // mode 0600
	switch {
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("cannot write in %s (permission denied); choose a folder you can write to with -o", dir)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("the folder %s does not exist; create it first, or choose another -o", dir)
	case err != nil:
		return fmt.Errorf("creating a file in %s: %w", dir, err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // a no-op once linked or renamed away
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	bw := bufio.NewWriterSize(tmp, 64<<10)
	if err := write(bw); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", tmpName, err)
	}
	if err := bw.Flush(); err != nil {
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

// checkOutDir refuses, before anything is sent, an --out-dir that would
// mix the files of two tickets: DIR must not exist yet, or be an empty
// folder. With force, DIR may hold files: those with a ticket file's name
// are replaced and the others are left alone.
func checkOutDir(dir string, force bool) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return usagef("--out-dir %s cannot be used: %v", dir, err)
	case !fi.IsDir():
		return usagef("--out-dir %s is a file, not a folder; choose a new folder name", dir)
	case force:
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return usagef("--out-dir %s cannot be read: %v", dir, err)
	}
	if len(entries) > 0 {
		return usagef("--out-dir %s is not empty; choose a new folder, or add --force to replace the ticket files in it", dir)
	}
	return nil
}

// isTicketFile reports whether name is one a ticket writes into --out-dir.
func isTicketFile(name string) bool {
	switch name {
	case "ticket.txt", "ticket.html", "request.har", "postman_collection.json", "replay.sh", "secrets.txt":
		return true
	}
	return strings.HasPrefix(name, "request-body.") || strings.HasPrefix(name, "response-body.")
}

// writeOutDir writes the ticket's files into dir, which it creates with
// mode 0700 when needed. Each file is written as writeFile writes the .eml:
// mode 0600, atomically, never over an existing file unless force.
//
// With force, the ticket files of an earlier run that this ticket does not
// have (a response-body.json next to a new response-body.bin) are removed,
// so that the folder holds one ticket; other files are left alone.
func writeOutDir(dir string, files []report.File, force bool) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating --out-dir %s: %w", dir, err)
	}
	if force {
		keep := map[string]bool{}
		for _, f := range files {
			keep[f.Name] = true
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("reading --out-dir %s: %w", dir, err)
		}
		for _, e := range entries {
			if !keep[e.Name()] && isTicketFile(e.Name()) && e.Type().IsRegular() {
				if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
					return fmt.Errorf("removing the earlier %s from --out-dir %s: %w", e.Name(), dir, err)
				}
			}
		}
	}
	for _, f := range files {
		if err := writeFile(filepath.Join(dir, f.Name), f.Data, force); err != nil {
			return fmt.Errorf("writing --out-dir %s: %w", dir, err)
		}
	}
	return nil
}
