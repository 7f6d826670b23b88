using System.Globalization;
using JsonApiInvites.Domain.Email;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace JsonApiInvites.Api.Email;

/// <summary>
/// Readiness reports the email outbox <c>degraded</c> (still 200: the API serves) when an email has waited longer than
/// <c>Email:BacklogDegradedSeconds</c> since it became due: the dispatcher is off, stuck, or cannot deliver.
/// </summary>
public sealed class OutboxHealthCheck(IEmailOutbox outbox, TimeProvider clock, IOptions<EmailOptions> options) : IHealthCheck
{
    public const string Name = "email_outbox";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        if (await outbox.OldestDueAsync(now, cancellationToken) is not { } oldest)
        {
            return HealthCheckResult.Healthy();
        }

        var waited = now - oldest;
        return waited.TotalSeconds > options.Value.BacklogDegradedSeconds
            ? HealthCheckResult.Degraded(string.Create(CultureInfo.InvariantCulture, $"The oldest due email has waited {waited.TotalSeconds:0} s (Email:BacklogDegradedSeconds is {options.Value.BacklogDegradedSeconds})."))
            : HealthCheckResult.Healthy();
    }
}
