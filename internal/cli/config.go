package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
	"github.com/spf13/pflag"

	"github.com/pybatch/pybatch/scan"
)

// fileConfig is the [tool.pybatch] table of a pyproject.toml: the settings
// of analyze that belong to a project rather than to one run. A flag given
// on the command line wins over the file; --extend-exclude adds to the
// file's exclude, --exclude replaces it.
type fileConfig struct {
	Include          []string `toml:"include"`
	Exclude          []string `toml:"exclude"`
	ExtendExclude    []string `toml:"extend-exclude"`
	RespectGitignore *bool    `toml:"respect-gitignore"`
	Hidden           *bool    `toml:"hidden"`
	FollowSymlinks   *bool    `toml:"follow-symlinks"`
	Stubs            *bool    `toml:"stubs"`
	Shebang          *bool    `toml:"shebang"`
	MaxSize          *string  `toml:"max-size"`
	MaxMemory        *string  `toml:"max-memory"`
	Workers          *int     `toml:"workers"`
	Timeout          *string  `toml:"timeout"`
	Retries          *int     `toml:"retries"`
	Isolate          *bool    `toml:"isolate"`
	Output           *string  `toml:"output"`

	path string // the file it came from
}

// findConfig finds the pyproject.toml whose [tool.pybatch] table applies,
// as ruff finds its own settings: the closest pyproject.toml with the table
// in the directory of the first PATH or above it (a file PATH: its
// directory), else in the working directory or above it. A pyproject.toml
// without the table is passed over. It returns nil when there is none.
func findConfig(paths []string) (*fileConfig, error) {
	var starts []string
	for _, p := range paths {
		if p == "-" {
			continue
		}
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			p = filepath.Dir(p)
		}
		starts = append(starts, p)
		break
	}
	starts = append(starts, ".")
	for _, start := range starts {
		dir, err := filepath.Abs(start)
		if err != nil {
			continue
		}
		for {
			c, err := readConfig(filepath.Join(dir, "pyproject.toml"), false)
			if err != nil || c != nil {
				return c, err
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return nil, nil
}

// readConfig reads the [tool.pybatch] table of the pyproject.toml at path:
// nil when the file or the table is absent (unless required).
func readConfig(path string, required bool) (*fileConfig, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) && !required {
			return nil, nil
		}
		return nil, fmt.Errorf("%s", pathError(path, err))
	}
	var doc struct {
		Tool map[string]any `toml:"tool"`
	}
	if err := toml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %s", path, tomlError(err))
	}
	table, ok := doc.Tool["pybatch"]
	if !ok {
		if required {
			return nil, fmt.Errorf("%s has no [tool.pybatch] table", path)
		}
		return nil, nil
	}
	raw, err := toml.Marshal(table)
	if err != nil {
		return nil, fmt.Errorf("%s: [tool.pybatch] is not a table", path)
	}
	c := &fileConfig{path: path}
	if err := toml.NewDecoder(bytes.NewReader(raw)).DisallowUnknownFields().Decode(c); err != nil {
		var strict *toml.StrictMissingError
		if errors.As(err, &strict) && len(strict.Errors) > 0 {
			return nil, fmt.Errorf("%s: [tool.pybatch] has an unknown setting %q (known: include, exclude, extend-exclude, respect-gitignore, hidden, follow-symlinks, stubs, shebang, max-size, max-memory, workers, timeout, retries, isolate, output)", path, strings.Join(strict.Errors[0].Key(), "."))
		}
		return nil, fmt.Errorf("%s: [tool.pybatch]: %s", path, tomlError(err))
	}
	return c, nil
}

// tomlError is a TOML error with its position, without Go's type names.
func tomlError(err error) string {
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, col := de.Position()
		return fmt.Sprintf("line %d, column %d: %s", row, col, de.Error())
	}
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "toml: ")
	return msg
}

// apply sets the flags the command line did not give from the file.
func (c *fileConfig) apply(fs *pflag.FlagSet, f *analyzeFlags) error {
	set := func(name string, ok bool, do func()) {
		if ok && !fs.Changed(name) {
			do()
		}
	}
	set("include", c.Include != nil, func() { f.include = c.Include })
	set("exclude", c.Exclude != nil, func() { f.exclude = c.Exclude })
	f.extendExclude = append(append([]string(nil), c.ExtendExclude...), f.extendExclude...)
	set("no-ignore", c.RespectGitignore != nil, func() { f.noIgnore = !*c.RespectGitignore })
	set("hidden", c.Hidden != nil, func() { f.hidden = *c.Hidden })
	set("follow-symlinks", c.FollowSymlinks != nil, func() { f.followSymlinks = *c.FollowSymlinks })
	set("stubs", c.Stubs != nil, func() { f.stubs = *c.Stubs })
	set("shebang", c.Shebang != nil, func() { f.shebang = *c.Shebang })
	set("workers", c.Workers != nil, func() { f.workers = *c.Workers })
	set("retries", c.Retries != nil, func() { f.retries = *c.Retries })
	set("isolate", c.Isolate != nil, func() { f.isolate = *c.Isolate })
	set("output", c.Output != nil, func() { f.output = *c.Output })
	var err error
	set("max-size", c.MaxSize != nil, func() {
		if _, err = parseSize("max-size", *c.MaxSize); err == nil {
			f.maxSize = *c.MaxSize
		}
	})
	if err == nil {
		set("max-memory", c.MaxMemory != nil, func() {
			if _, err = parseSize("max-memory", *c.MaxMemory); err == nil {
				f.maxMemory = *c.MaxMemory
			}
		})
	}
	if err == nil {
		set("timeout", c.Timeout != nil, func() {
			d, perr := time.ParseDuration(*c.Timeout)
			if perr != nil || d < 0 {
				err = fmt.Errorf("timeout: %q is not a duration (such as 30s, 2m or 1h30m)", *c.Timeout)
				return
			}
			f.timeout = d
		})
	}
	if err == nil && ((c.Workers != nil && *c.Workers < 0) || (c.Retries != nil && *c.Retries < 0)) {
		err = errors.New("workers and retries must not be negative")
	}
	if err == nil && c.Output != nil && strings.TrimSpace(*c.Output) == "" {
		err = errors.New("output is empty")
	}
	if err == nil {
		for _, p := range append(append(append([]string(nil), c.Include...), c.Exclude...), c.ExtendExclude...) {
			if perr := validPatternCLI(p); perr != nil {
				err = perr
				break
			}
		}
	}
	if err != nil {
		return fmt.Errorf("%s: [tool.pybatch] %v", c.path, err)
	}
	return nil
}

// validPatternCLI checks one include or exclude pattern.
func validPatternCLI(p string) error {
	if err := (scan.Options{Exclude: []string{p}}).Validate(); err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "scan: bad exclude pattern: "))
	}
	return nil
}
