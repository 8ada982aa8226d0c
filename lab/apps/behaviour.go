package apps

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Profile names a reply profile: which routes an app has and what it says,
// after one of the episodes' Flask apps.
type Profile string

// The reply profiles.
const (
	// Flask is the numbered app of Ep 6 and Ep 9 (plus Ep 4's form):
	// GET / "Hello from Flask App N!", GET /data "Data from Flask App N!",
	// POST /submit "Form submitted successfully!".
	Flask Profile = "flask"
	// TCP is Ep 2's app: GET / "Hello from Flask over TCP!".
	TCP Profile = "tcp"
	// Docker is Docker Ep 10's app: GET / "Hello, Dockerized Flask!".
	Docker Profile = "docker"
	// Main is Ep 4's general app: GET / "Welcome to the main page!".
	Main Profile = "main"
	// Submit is Ep 4's form app: POST /submit "Form submitted successfully!".
	Submit Profile = "submit"
	// Custom answers GET / with Behaviour.Body.
	Custom Profile = "custom"
)

// Profiles lists every profile, for help texts and error messages.
func Profiles() []Profile { return []Profile{Flask, TCP, Docker, Main, Submit, Custom} }

// ParseProfile returns the profile with that name (case-insensitive).
func ParseProfile(name string) (Profile, error) {
	for _, p := range Profiles() {
		if strings.EqualFold(name, string(p)) {
			return p, nil
		}
	}
	return "", fmt.Errorf("unknown reply profile %q: want one of %s", name, profileList())
}

func profileList() string {
	var b strings.Builder
	for i, p := range Profiles() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(p))
	}
	return b.String()
}

// Behaviour is how an app answers. It can be changed while the app runs
// (App.SetBehaviour); a request uses the behaviour of the moment it arrived.
//
// Delay, jitter and errors apply to every request the app receives,
// whatever its path or method (a 404 is as slow as a 200): that is the
// simplest reading of Ep 6's slow apps, whose only route sleeps 5 s.
type Behaviour struct {
	Profile Profile // "" means Flask
	Body    string  // what GET / answers with the Custom profile

	// Delay is how long the app waits (lab time) before answering.
	Delay time.Duration
	// Jitter spreads the delay uniformly over [Delay-Jitter, Delay+Jitter],
	// never below zero.
	Jitter time.Duration
	// ErrorRate is the fraction (0..1) of requests answered 500. The errors
	// are spread evenly, not at random: with 0.25, exactly one request in
	// four fails, so short runs and scenario expectations are reproducible.
	ErrorRate float64
}

// Validate reports the first thing wrong with b, saying what is accepted.
func (b Behaviour) Validate() error {
	if b.Profile != "" {
		if _, err := ParseProfile(string(b.Profile)); err != nil {
			return err
		}
	}
	if b.Delay < 0 {
		return fmt.Errorf("delay %v is negative: want 0 or more", b.Delay)
	}
	if b.Jitter < 0 {
		return fmt.Errorf("jitter %v is negative: want 0 or more", b.Jitter)
	}
	if math.IsNaN(b.ErrorRate) || b.ErrorRate < 0 || b.ErrorRate > 1 {
		return fmt.Errorf("error rate %v is out of range: want a fraction from 0 to 1", b.ErrorRate)
	}
	return nil
}

// route is one path an app answers, with the responses prepared once so
// that serving a request copies nothing.
type route struct {
	path   string
	method string   // GET (which also answers HEAD) or POST
	body   []byte   // 200 body
	length []string // Content-Length header value of body
	allow  []string // Allow header value
}

// replies is a Behaviour compiled for one app: its routes and fixed pages.
type replies struct {
	b      Behaviour
	routes []route
}

// compile builds the routes of b for the app with the given number.
func compile(b Behaviour, number string) *replies {
	hello := func(s string) route { return newRoute("/", "GET", s) }
	var rs []route
	switch p, _ := ParseProfile(string(b.Profile)); p {
	case TCP:
		rs = []route{hello("Hello from Flask over TCP!")}
	case Docker:
		rs = []route{hello("Hello, Dockerized Flask!")}
	case Main:
		rs = []route{hello("Welcome to the main page!")}
	case Submit:
		rs = []route{newRoute("/submit", "POST", "Form submitted successfully!")}
	case Custom:
		rs = []route{hello(b.Body)}
	default:
		rs = []route{
			hello("Hello from Flask App " + number + "!"),
			newRoute("/data", "GET", "Data from Flask App "+number+"!"),
			newRoute("/submit", "POST", "Form submitted successfully!"),
		}
	}
	return &replies{b: b, routes: rs}
}

func newRoute(path, method, body string) route {
	// As Flask: a GET route answers HEAD too, and every route OPTIONS.
	allow := "OPTIONS, POST"
	if method == "GET" {
		allow = "GET, HEAD, OPTIONS"
	}
	return route{
		path:   path,
		method: method,
		body:   []byte(body),
		length: []string{strconv.Itoa(len(body))},
		allow:  []string{allow},
	}
}

func (r *replies) match(path string) *route {
	for i := range r.routes {
		if r.routes[i].path == path {
			return &r.routes[i]
		}
	}
	return nil
}

// allows reports whether the route answers method. Methods are compared
// in upper case, as Flask's router does: "post /submit" is a POST.
func (rt *route) allows(method string) bool {
	if strings.EqualFold(method, rt.method) {
		return true
	}
	return rt.method == "GET" && strings.EqualFold(method, "HEAD")
}
