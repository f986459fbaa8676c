package staff

import (
	"fmt"
	"testing"
	"time"
)

// At most 100 failed logins an hour per account from browsers without its device cookie,
// whatever the number of addresses; the clinician's own browser keeps its own allowance.
func TestLoginAccountCap(t *testing.T) {
	th := NewThrottle()
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	fails := 0
	// An attacker with many addresses, each used a few times.
	for i := 0; i < 1000; i++ {
		a := loginAttempt{ip: fmt.Sprintf("10.0.%d.%d", i/250, i%250), email: "clin@example.org", account: 7}
		if th.LoginWait(a, now) == 0 {
			th.LoginFailed(a, now)
			fails++
		}
		now = now.Add(time.Second)
	}
	if fails != loginAccountPerHour {
		t.Fatalf("%d failures checked in 1000 s, want %d", fails, loginAccountPerHour)
	}
	// The clinician's browser with its device cookie is not locked out.
	own := loginAttempt{ip: "10.9.9.9", email: "clin@example.org", account: 7, device: "own-device"}
	if w := th.LoginWait(own, now); w != 0 {
		t.Fatalf("device cookie holder must wait %v", w)
	}
	// ...and has 10 failures of its own an hour.
	for range loginDevicePerHour {
		th.LoginFailed(own, now)
	}
	if th.LoginWait(own, now) == 0 {
		t.Fatal("a device cookie gives unlimited tries")
	}
	// Another account is not affected.
	if w := th.LoginWait(loginAttempt{ip: "10.0.0.1", email: "other@example.org", account: 8}, now); w != 0 {
		t.Fatalf("another account waits %v", w)
	}
	// The lockout lasts at most an hour after the failures.
	later := now.Add(time.Hour)
	if w := th.LoginWait(loginAttempt{ip: "10.5.5.5", email: "clin@example.org", account: 7}, later); w != 0 {
		t.Fatalf("still locked an hour later: %v", w)
	}
}

func TestLoginSlowedPerClient(t *testing.T) {
	th := NewThrottle()
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	a := loginAttempt{ip: "10.0.0.1", email: "x@example.org"}
	for i := range loginClientBurst {
		if w := th.LoginWait(a, now); w != 0 {
			t.Fatalf("try %d waits %v", i+1, w)
		}
		th.LoginFailed(a, now)
	}
	w := th.LoginWait(a, now)
	if w <= 0 || w > loginClientEvery {
		t.Fatalf("after the burst: wait %v, want up to %v", w, loginClientEvery)
	}
	if th.LoginWait(a, now.Add(loginClientEvery)) != 0 {
		t.Fatal("not allowed again after the refill interval")
	}
	// Many accounts from one address: the address's own bucket slows it too.
	for i := range loginIPBurst {
		b := loginAttempt{ip: "10.0.0.2", email: fmt.Sprintf("u%d@example.org", i)}
		th.LoginFailed(b, now)
	}
	if th.LoginWait(loginAttempt{ip: "10.0.0.2", email: "new@example.org"}, now) == 0 {
		t.Fatal("one address may try unlimited accounts")
	}
}

func TestThrottleMemoryBounded(t *testing.T) {
	th := NewThrottle()
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	for i := range 1000 {
		th.LoginFailed(loginAttempt{ip: fmt.Sprintf("10.%d.%d.1", i/256, i%256), email: "x"}, now)
	}
	// Two hours on, everything about those clients is forgotten.
	th.LoginWait(loginAttempt{ip: "10.200.0.1", email: "y"}, now.Add(2*time.Hour))
	if n := len(th.clients) + len(th.ips); n != 0 {
		t.Fatalf("%d entries about clients kept after two hours", n)
	}
}

func TestRedeemCaps(t *testing.T) {
	th := NewThrottle()
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	for range redeemPerHour {
		if th.RedeemWait(1, now) != 0 {
			t.Fatal("refused before the cap")
		}
		th.RedeemFailed(1, now)
	}
	if th.RedeemWait(1, now) == 0 {
		t.Fatal("11th failure allowed")
	}
	if th.RedeemWait(2, now) != 0 {
		t.Fatal("another account refused")
	}
	if th.RedeemWait(1, now.Add(time.Hour)) != 0 {
		t.Fatal("still refused an hour later")
	}
}
