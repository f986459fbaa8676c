package access

import (
	"context"
	"errors"
	"strconv"

	"github.com/ketascreen/ketascreen/internal/sharecode"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
)

// RedeemForm is a share code as a signed-in clinician typed it.
type RedeemForm struct {
	User    *staffdb.User
	Session string // the session's token: the summary opens for this session
	Code    string
}

// Redeem lets a clinician's session open the summary a share code points to. Wrong, expired,
// revoked codes and codes another clinician holds are UnknownCode; text that cannot be a code
// is Malformed; both count against the account's allowance.
func (s *Service) Redeem(ctx context.Context, f RedeemForm) (Result, error) {
	if f.User == nil || f.Session == "" {
		return Result{}, errors.New("access: redeeming a code needs a signed-in account")
	}
	u := f.User
	t, wait, err := s.reserve(ctx, s.redeemLimits(u),
		auditdb.Tally{Action: auditdb.ActionRedeem, Actor: u.Email, UserID: u.ID})
	if err != nil {
		return Result{}, err
	}
	if wait > 0 {
		return throttled(wait), nil
	}
	code, err := sharecode.Parse(f.Code)
	if err != nil {
		// Counted as a wrong code: a flood of malformed codes is not free.
		return Result{Outcome: Malformed}, errors.Join(t.fail(ctx, auditdb.OutcomeFailed, "malformed"), s.alarm(ctx))
	}
	rid, err := s.staff.ClaimShareCode(ctx, u.ID, f.Session, code.Hash(s.shareKey), entry(u, auditdb.ActionRedeem, auditdb.OutcomeOK, ""))
	if errors.Is(err, staffdb.ErrCodeInvalid) {
		return Result{Outcome: UnknownCode}, errors.Join(t.fail(ctx, auditdb.OutcomeFailed, ""), s.alarm(ctx))
	}
	if err != nil {
		return Result{}, errors.Join(err, t.release(context.WithoutCancel(ctx)))
	}
	return Result{Outcome: Redeemed, User: u, ResponseID: rid}, t.release(ctx)
}

// alarm logs and audits, once an hour, that failed redemptions of every account together
// passed RedeemAlarmPerHour. Nobody is locked out by it.
func (s *Service) alarm(ctx context.Context) error {
	n, err := s.staff.HeldSlots(ctx, scopeRedeem)
	if err != nil || n <= RedeemAlarmPerHour {
		return err
	}
	period := s.st.Now().UTC().Format("2006-01-02T15")
	raised, err := s.staff.RaiseAlarm(ctx, scopeRedeem, period, auditdb.Entry{Actor: "ketascreen",
		Action: auditdb.ActionRedeemAlarm, Outcome: auditdb.OutcomeAlarm,
		Detail: "failed_last_hour=" + strconv.Itoa(n) + " threshold=" + strconv.Itoa(RedeemAlarmPerHour)})
	if raised {
		s.log.Warn("failed share-code redemptions of all accounts passed the alarm threshold",
			"failed_last_hour", n, "threshold", RedeemAlarmPerHour)
	}
	return err
}
