package progress

import (
	"fmt"
	"math"
	"time"
)

// fmtBytes writes a byte count in decimal units with one decimal: "12.3 MB".
func fmtBytes(n int64) string {
	v := float64(n)
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case v < 1e6:
		return fmt.Sprintf("%.1f kB", v/1e3)
	case v < 1e9:
		return fmt.Sprintf("%.1f MB", v/1e6)
	default:
		return fmt.Sprintf("%.2f GB", v/1e9)
	}
}

// fmtDur writes a duration to the second: "7s", "2m05s", "1h02m03s".
func fmtDur(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s < 0 {
		s = 0
	}
	h, m, sec := s/3600, s/60%60, s%60
	switch {
	case h > 0:
		return fmt.Sprintf("%dh%02dm%02ds", h, m, sec)
	case m > 0:
		return fmt.Sprintf("%dm%02ds", m, sec)
	default:
		return fmt.Sprintf("%ds", sec)
	}
}

// fmtSeconds writes a whole-run time: "12.3s", or fmtDur beyond a minute.
func fmtSeconds(s float64) string {
	if s < 60 {
		return fmt.Sprintf("%.1fs", s)
	}
	return fmtDur(time.Duration(s * float64(time.Second)))
}

// fmtShort writes a short time with three significant digits: "812µs",
// "4.10ms", "1.25s".
func fmtShort(s float64) string {
	switch {
	case s <= 0:
		return "0s"
	case s < 1e-3:
		return fmt.Sprintf("%.0fµs", s*1e6)
	case s < 1:
		return sig3(s*1e3) + "ms"
	default:
		return sig3(s) + "s"
	}
}

func sig3(v float64) string {
	switch {
	case v < 10:
		return fmt.Sprintf("%.2f", v)
	case v < 100:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.0f", math.Round(v))
	}
}

func itoa(n int64) string { return fmt.Sprint(n) }

func fmtMB(n int64) string { return fmt.Sprintf("%.1f", float64(n)/1e6) }

func fmtRate(bps float64) string { return fmt.Sprintf("%.1f MB/s", bps/1e6) }
