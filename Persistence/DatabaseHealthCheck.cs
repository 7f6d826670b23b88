using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace JsonApiInvites.Persistence;

/// <summary>Readiness: the database answers a query.</summary>
public sealed class DatabaseHealthCheck(Database database, TimeProvider clock) : IHealthCheck
{
    /// <summary>The tag of the checks that decide readiness.</summary>
    public const string ReadyTag = "ready";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using (var session = await database.ReadAsync(cancellationToken))
            {
                await using var reader = await session.ExecuteReaderAsync(session.Command("SELECT 1"), cancellationToken);
                await reader.ReadAsync(cancellationToken);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"The {database.Provider} database does not answer.", exception);
        }

        try
        {
            await database.ProbeWriteAsync(clock.GetUtcNow(), cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"The {database.Provider} database answers reads but refuses writes (disk full or read-only?).", exception);
        }
    }
}
