package balance

import "fmt"

// AssignIDs gives every server whose ID is 0 an automatic id, as HAProxy
// numbers servers ("assign automatic UIDs" in cfgparse.c): walking the
// servers in declaration order with a counter that starts at 1 and moves
// on by one after every server, explicit or not, each server without an id
// takes the first id at or above the counter that no server holds yet.
// So s1, s2 id 5, s3 gives 1, 5, 3 (not 2). Explicit ids must be positive
// and distinct; the error names both servers, in HAProxy's terms.
func AssignIDs(servers []*Server) error {
	used := make(map[int]*Server, len(servers))
	for _, s := range servers {
		if s.ID == 0 {
			continue
		}
		if s.ID < 0 {
			return fmt.Errorf("server %s: 'id' : custom id has to be > 0 (got %d)", s.Name, s.ID)
		}
		if other, ok := used[s.ID]; ok {
			return fmt.Errorf("server %s: 'id' : custom id %d already used by server %s", s.Name, s.ID, other.Name)
		}
		used[s.ID] = s
	}
	next := 1
	for _, s := range servers {
		if s.ID == 0 {
			for used[next] != nil {
				next++
			}
			s.ID = next
			used[next] = s
		}
		next++
	}
	return nil
}
