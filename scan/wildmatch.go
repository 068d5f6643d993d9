package scan

// This file is a port of git's wildmatch.c (the matcher behind .gitignore), kept
// byte-oriented like the original so that every corner — "**" only special between
// slashes, "[!...]" and "[^...]", POSIX classes, backslash escapes, the early
// aborts — behaves as git does. It is proven against `git check-ignore` in
// ignore_git_test.go.

const (
	wmMatch = iota
	wmNoMatch
	wmAbortAll
	wmAbortToStarStar
)

// wildmatch reports whether text matches the git wildmatch pattern. With pathname
// set (git's WM_PATHNAME), '*', '?' and bracket expressions never match '/', and
// "**" between slashes matches any number of directories.
func wildmatch(pattern, text string, pathname bool) bool {
	return dowild(pattern, text, pathname) == wmMatch
}

func isGlobSpecial(c byte) bool {
	return c == '*' || c == '?' || c == '[' || c == '\\'
}

func byteAt(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

func dowild(p, text string, pathname bool) int {
	pi, ti := 0, 0
	for ; pi < len(p); ti, pi = ti+1, pi+1 {
		pch := p[pi]
		tch := byteAt(text, ti)
		if ti >= len(text) && pch != '*' {
			return wmAbortAll
		}
		switch pch {
		case '\\':
			// Literal match with the following character.
			pi++
			pch = byteAt(p, pi)
			if pi >= len(p) || tch != pch {
				return wmNoMatch
			}
			continue
		default:
			if tch != pch {
				return wmNoMatch
			}
			continue
		case '?':
			if pathname && tch == '/' {
				return wmNoMatch
			}
			continue
		case '*':
			var matchSlash bool
			pi++
			if byteAt(p, pi) == '*' {
				prev := pi - 2
				for pi++; byteAt(p, pi) == '*'; pi++ {
				}
				if (prev < 0 || p[prev] == '/') &&
					(pi >= len(p) || p[pi] == '/' || (p[pi] == '\\' && byteAt(p, pi+1) == '/')) {
					// "**/" matches zero directories too: try the rest
					// right here first.
					if pi < len(p) && p[pi] == '/' && dowild(p[pi+1:], text[ti:], pathname) == wmMatch {
						return wmMatch
					}
					matchSlash = true
				} else {
					matchSlash = !pathname
				}
			} else {
				matchSlash = !pathname
			}
			if pi >= len(p) {
				// Trailing "**" matches everything; trailing "*" only
				// when no slash is left.
				if !matchSlash {
					for k := ti; k < len(text); k++ {
						if text[k] == '/' {
							return wmAbortToStarStar
						}
					}
				}
				return wmMatch
			} else if !matchSlash && p[pi] == '/' {
				// One asterisk followed by a slash matches the next
				// directory.
				k := ti
				for k < len(text) && text[k] != '/' {
					k++
				}
				if k >= len(text) {
					return wmAbortAll
				}
				ti = k
				// the slash is consumed by the loop's increments
				continue
			}
			for {
				if ti >= len(text) {
					break
				}
				if !isGlobSpecial(p[pi]) {
					pc := p[pi]
					for ti < len(text) && (matchSlash || text[ti] != '/') {
						if text[ti] == pc {
							break
						}
						ti++
					}
					if ti >= len(text) || text[ti] != pc {
						if matchSlash {
							return wmAbortAll
						}
						return wmAbortToStarStar
					}
				}
				m := dowild(p[pi:], text[ti:], pathname)
				if m != wmNoMatch {
					if !matchSlash || m != wmAbortToStarStar {
						return m
					}
				} else if !matchSlash && text[ti] == '/' {
					return wmAbortToStarStar
				}
				ti++
			}
			return wmAbortAll
		case '[':
			pi++
			pch = byteAt(p, pi)
			if pch == '^' {
				pch = '!'
			}
			negated := pch == '!'
			if negated {
				pi++
				pch = byteAt(p, pi)
			}
			var prev byte
			matched := false
			for {
				if pi >= len(p) {
					return wmAbortAll
				}
				if pch == '\\' {
					pi++
					if pi >= len(p) {
						return wmAbortAll
					}
					pch = p[pi]
					if tch == pch {
						matched = true
					}
				} else if pch == '-' && prev != 0 && pi+1 < len(p) && p[pi+1] != ']' {
					pi++
					pch = p[pi]
					if pch == '\\' {
						pi++
						if pi >= len(p) {
							return wmAbortAll
						}
						pch = p[pi]
					}
					if tch <= pch && tch >= prev {
						matched = true
					}
					pch = 0 // makes prev 0
				} else if pch == '[' && byteAt(p, pi+1) == ':' {
					s := pi + 2
					k := s
					for k < len(p) && p[k] != ']' {
						k++
					}
					if k >= len(p) {
						return wmAbortAll
					}
					n := k - s - 1
					if n < 0 || p[k-1] != ':' {
						// No ":]": treat '[' as a normal member.
						pi = s - 2
						pch = '['
						if tch == pch {
							matched = true
						}
						prev = pch
						pi++
						pch = byteAt(p, pi)
						if pch == ']' {
							break
						}
						continue
					}
					pi = k
					ok, valid := posixClass(p[s:s+n], tch)
					if !valid {
						return wmAbortAll
					}
					if ok {
						matched = true
					}
					pch = 0
				} else if tch == pch {
					matched = true
				}
				prev = pch
				pi++
				pch = byteAt(p, pi)
				if pch == ']' {
					break
				}
			}
			if matched == negated || (pathname && tch == '/') {
				return wmNoMatch
			}
			continue
		}
	}
	if ti < len(text) {
		return wmNoMatch
	}
	return wmMatch
}

// posixClass evaluates "[:name:]" for byte c; valid is false for an unknown name.
func posixClass(name string, c byte) (ok, valid bool) {
	isUpper := c >= 'A' && c <= 'Z'
	isLower := c >= 'a' && c <= 'z'
	isDigit := c >= '0' && c <= '9'
	isAlpha := isUpper || isLower
	switch name {
	case "alnum":
		return isAlpha || isDigit, true
	case "alpha":
		return isAlpha, true
	case "blank":
		return c == ' ' || c == '\t', true
	case "cntrl":
		return c < 0x20 || c == 0x7f, true
	case "digit":
		return isDigit, true
	case "graph":
		return c > 0x20 && c < 0x7f, true
	case "lower":
		return isLower, true
	case "print":
		return c >= 0x20 && c < 0x7f, true
	case "punct":
		return c > 0x20 && c < 0x7f && !isAlpha && !isDigit, true
	case "space":
		return c == ' ' || (c >= '\t' && c <= '\r'), true
	case "upper":
		return isUpper, true
	case "xdigit":
		return isDigit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'), true
	}
	return false, false
}
