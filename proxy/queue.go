package proxy

// pending is a request waiting in a queue for a connection slot, HAProxy's
// pendconn. When a slot frees up, the backend assigns it a server and
// closes ready; the waiter then owns that slot.
type pending struct {
	seq        uint64  // arrival order, to serve the oldest of two queues first
	srv        *server // the server's queue it waits in, nil for the backend queue
	assigned   *server // set when dequeued
	ready      chan struct{}
	prev, next *pending
	queued     bool
	qidx       int64 // the queue's index when it came in, less one (queue_idx)
	// srvPos and bePos are HAProxy's %sq and %bq: one plus how many
	// requests left the queue ahead of this one while it waited.
	srvPos, bePos int64
}

// waitQueue is a FIFO of pending requests with O(1) removal, for timeouts.
type waitQueue struct {
	head, tail *pending
	n          int
	idx        int64 // requests served from this queue so far
}

func (q *waitQueue) push(p *pending) {
	p.qidx = q.idx - 1
	p.prev, p.next, p.queued = q.tail, nil, true
	if q.tail != nil {
		q.tail.next = p
	} else {
		q.head = p
	}
	q.tail = p
	q.n++
}

// remove takes p out of the queue, served (the queue's index moves on)
// or not, and records its position for the log.
func (q *waitQueue) remove(p *pending, served bool) {
	if !p.queued {
		return
	}
	if p.srv != nil {
		p.srvPos += q.idx - p.qidx
	} else {
		p.bePos += q.idx - p.qidx
	}
	if served {
		q.idx++
	}
	if p.prev != nil {
		p.prev.next = p.next
	} else {
		q.head = p.next
	}
	if p.next != nil {
		p.next.prev = p.prev
	} else {
		q.tail = p.prev
	}
	p.prev, p.next, p.queued = nil, nil, false
	q.n--
}

func (q *waitQueue) first() *pending { return q.head }
