// A tiny driver for the interop tests: Debian's masterzen/winrm (the client of
// Packer and Terraform) runs one command or PowerShell script against the
// emulator and prints what it got as JSON. Built offline in GOPATH mode from
// /usr/share/gocode (golang-github-masterzen-winrm-dev).
//
// Usage: go_winrm HOST PORT USER PASSWORD basic|ntlm cmd|ps COMMAND
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/masterzen/winrm"
)

type result struct {
	Stdout   string `json:"stdout"`
	Stderr   string `json:"stderr"`
	ExitCode int    `json:"exitCode"`
	Error    string `json:"error,omitempty"`
}

func main() {
	if len(os.Args) < 8 {
		fmt.Fprintln(os.Stderr, "usage: go_winrm HOST PORT USER PASSWORD basic|ntlm cmd|ps COMMAND")
		os.Exit(2)
	}
	port, err := strconv.Atoi(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bad port:", err)
		os.Exit(2)
	}
	endpoint := winrm.NewEndpoint(os.Args[1], port, false, false, nil, nil, nil, 60*time.Second)
	params := *winrm.DefaultParameters
	if os.Args[5] == "ntlm" {
		params.TransportDecorator = func() winrm.Transporter { return &winrm.ClientNTLM{} }
	}
	client, err := winrm.NewClientWithParameters(endpoint, os.Args[3], os.Args[4], &params)
	if err != nil {
		fmt.Fprintln(os.Stderr, "client:", err)
		os.Exit(2)
	}
	var r result
	switch os.Args[6] {
	case "cmd":
		r.Stdout, r.Stderr, r.ExitCode, err = client.RunWithString(os.Args[7], "")
	case "ps":
		r.Stdout, r.Stderr, r.ExitCode, err = client.RunWithString(winrm.Powershell(os.Args[7]), "")
	default:
		fmt.Fprintln(os.Stderr, "mode must be cmd or ps")
		os.Exit(2)
	}
	if err != nil {
		r.Error = err.Error()
	}
	out, _ := json.Marshal(r)
	fmt.Println(string(out))
}
