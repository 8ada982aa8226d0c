// Command lblab is the load-balancing lab: the command line only; the lab,
// the proxy, the dashboard and the scenarios live in their own packages.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "lblab: under construction")
	os.Exit(2)
}
