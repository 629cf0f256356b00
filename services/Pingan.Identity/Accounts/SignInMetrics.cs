using Prometheus;

namespace Pingan.Identity.Accounts;

/// <summary>Sign-ins by outcome and lockouts, for the SignInFailures and Lockouts alerts (docs/operations/runbooks.md).</summary>
public static class SignInMetrics
{
    public const string Succeeded = "succeeded", UnknownAccount = "unknown_account", Locked = "locked",
        WrongPassword = "wrong_password", WrongSecondFactor = "wrong_second_factor";

    private static readonly Counter SignIns = Metrics.CreateCounter("pingan_identity_sign_ins_total",
        "Sign-in attempts by outcome", new CounterConfiguration { LabelNames = ["outcome"] });

    private static readonly Counter Lockouts = Metrics.CreateCounter("pingan_identity_lockouts_total",
        "Account and client-address pairs locked after repeated failures");

    static SignInMetrics()
    {
        // Every outcome is exported from the start, at zero: an alert on a rate needs the series before the first failure.
        foreach (var outcome in new[] { Succeeded, UnknownAccount, Locked, WrongPassword, WrongSecondFactor }) SignIns.WithLabels(outcome);
    }

    public static void Attempt(string outcome) => SignIns.WithLabels(outcome).Inc();

    public static void Lockout() => Lockouts.Inc();

    /// <summary>Creates the series at zero when the service starts.</summary>
    public static void Publish() => SignIns.WithLabels(Succeeded);
}
