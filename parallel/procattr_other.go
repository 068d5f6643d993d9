//go:build !unix

package parallel

import "os/exec"

func setProcAttr(*exec.Cmd) {}
