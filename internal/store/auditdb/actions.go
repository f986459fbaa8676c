package auditdb

// Action is what an audit row records. Every action the program writes is listed here, so
// the audit page, the command line and the tests share one vocabulary.
type Action string

// Actions of staff and of the program.
const (
	ActionLogin        Action = "login"         // a sign-in completed
	ActionLoginFailed  Action = "login_failed"  // a password refused (tallied per minute)
	ActionLoginCode    Action = "login_code"    // a second-factor code refused (tallied per minute)
	ActionLogout       Action = "logout"        // a session ended by its owner
	ActionRedeem       Action = "redeem"        // a share code redeemed, or refused (tallied)
	ActionRedeemAlarm  Action = "redeem_alarm"  // failed redemptions of everyone passed the alarm's threshold
	ActionSummaryView  Action = "summary_view"  // a clinician opened a summary
	ActionFHIRDownload Action = "fhir_download" // a clinician downloaded a response
	ActionExport       Action = "export"        // statistics exported
	ActionStatsView    Action = "stats_view"    // an admin read a view of the statistics dashboard
	// ActionStatsRerelease is a period's statistics released again (command line).
	ActionStatsRerelease Action = "stats_rerelease"
	ActionUserAdd        Action = "user_add"
	ActionUserDisable    Action = "user_disable"
	ActionUserEnable     Action = "user_enable"
	ActionUserPasswd     Action = "user_passwd"
	ActionTOTPEnrol      Action = "totp_enrol"      // two-factor sign-in confirmed with a first code
	ActionTOTPReset      Action = "totp_reset"      // two-factor sign-in removed (command line)
	ActionRecoveryUsed   Action = "recovery_code"   // a recovery code used in place of a TOTP code
	ActionSecretReplaced Action = "secret_replaced" // a lost server secret replaced (command line)
)

// Outcome is how an audited action ended.
type Outcome string

// Outcomes.
const (
	OutcomeOK        Outcome = "ok"
	OutcomeDenied    Outcome = "denied"    // not allowed (a summary the session may not open)
	OutcomeFailed    Outcome = "failed"    // wrong password, code or share code
	OutcomeThrottled Outcome = "throttled" // over a limit: not evaluated
	OutcomeBusy      Outcome = "busy"      // every password-hashing slot taken: not evaluated
	OutcomeAlarm     Outcome = "alarm"
)
