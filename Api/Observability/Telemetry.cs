using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace JsonApiInvites.Api.Observability;

/// <summary>
/// The service's own traces and metrics (SPEC §10), on the .NET APIs OpenTelemetry exports: invitations created,
/// accepted and cancelled, emails queued, sent and failed, the age of the oldest due email, rate-limit rejections.
/// No label carries an organization, an email address or a token: cardinality stays fixed and nothing secret leaves.
/// </summary>
public static class Telemetry
{
    public const string Name = "JsonApiInvites";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> InvitationsCreated = Meter.CreateCounter<long>("jsonapi_invites.invitations.created", description: "Invitations created.");

    public static readonly Counter<long> InvitationsAccepted = Meter.CreateCounter<long>("jsonapi_invites.invitations.accepted", description: "Invitations accepted (memberships made).");

    public static readonly Counter<long> InvitationsCancelled = Meter.CreateCounter<long>("jsonapi_invites.invitations.cancelled", description: "Invitations cancelled.");

    public static readonly Counter<long> EmailsQueued = Meter.CreateCounter<long>("jsonapi_invites.emails.queued", description: "Invitation emails queued (creates and resends).");

    public static readonly Counter<long> EmailsSent = Meter.CreateCounter<long>("jsonapi_invites.emails.sent", description: "Invitation emails delivered.");

    public static readonly Counter<long> EmailsFailed = Meter.CreateCounter<long>("jsonapi_invites.emails.failed", description: "Failed delivery attempts (each is retried until Email:MaxAttempts).");

    public static readonly Counter<long> RateLimitRejections = Meter.CreateCounter<long>("jsonapi_invites.rate_limit.rejections", description: "Requests refused with 429.");

    private static double _oldestDueAgeSeconds;

    static Telemetry() =>
        Meter.CreateObservableGauge(
            "jsonapi_invites.outbox.oldest_due_age",
            () => Volatile.Read(ref _oldestDueAgeSeconds),
            unit: "s",
            description: "How long the oldest due, unsent email has waited (0 when none); measured by the dispatcher every round.");

    /// <summary>Records what the dispatcher measured: the wait of the oldest due email, or none.</summary>
    public static void OutboxMeasured(TimeSpan? oldestDueAge) => Volatile.Write(ref _oldestDueAgeSeconds, Math.Max(0, oldestDueAge?.TotalSeconds ?? 0));
}
