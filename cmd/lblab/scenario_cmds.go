package main

import "io"

// The scenario runner's commands are being built (issue 5).

func runCmd(args []string, stdout, stderr io.Writer) error {
	return badInput("run: scenario runs are not available in this build yet")
}

func checkCmd(args []string, stdout, stderr io.Writer) error {
	return badInput("check: not available in this build yet")
}

func exportCmd(args []string, stdout, stderr io.Writer) error {
	return badInput("export: not available in this build yet")
}

func scenariosCmd(args []string, stdout, stderr io.Writer) error {
	return badInput("scenarios: not available in this build yet")
}
