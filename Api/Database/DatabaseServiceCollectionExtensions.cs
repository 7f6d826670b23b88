using JsonApiInvites.Domain.Invitations;
using JsonApiInvites.Domain.Organizations;
using JsonApiInvites.Domain.Tokens;
using JsonApiInvites.Persistence;

namespace JsonApiInvites.Api.Database;

/// <summary>Migrates the schema before the server starts listening.</summary>
public sealed class MigrationHostedService(Migrator migrator, ILogger<MigrationHostedService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var applied = await migrator.MigrateAsync(cancellationToken);
        if (applied.Count > 0)
        {
            logger.LogInformation("Applied database migrations {Migrations}", applied);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public static class DatabaseServiceCollectionExtensions
{
    /// <summary><c>Database:Provider</c> (sqlite) and <c>ConnectionStrings:Invites</c> (default: the file <c>data/invites.db</c>).</summary>
    /// <remarks>Read when first resolved, so that every configuration source (including a test host's) applies.</remarks>
    public static IServiceCollection AddInvitesDatabase(this IServiceCollection services)
    {
        services.AddSingleton(provider =>
        {
            var configuration = provider.GetRequiredService<IConfiguration>();
            var name = configuration["Database:Provider"] ?? "sqlite";
            if (!name.Equals("sqlite", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"Database:Provider '{name}' is not supported yet; the only provider is 'sqlite'.");
            }

            return new DatabaseOptions { ConnectionString = configuration.GetConnectionString("Invites") ?? DatabaseOptions.DefaultConnectionString };
        });
        services.AddSingleton<SqliteConnectionFactory>();
        services.AddSingleton<Migrator>();
        services.AddSingleton<WriteBatcher>();
        services.AddSingleton<IOrganizationRepository, OrganizationRepository>();
        services.AddSingleton<ITokenRepository, TokenRepository>();
        services.AddSingleton<IInvitationRepository, InvitationRepository>();
        services.AddHostedService<MigrationHostedService>();
        return services;
    }

    public static IEndpointRouteBuilder MapHealthz(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", async (SqliteConnectionFactory connections, CancellationToken cancellationToken) =>
        {
            try
            {
                await using var connection = await connections.OpenAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT 1";
                await command.ExecuteScalarAsync(cancellationToken);
                return Results.Json(new { status = "ok" });
            }
            catch (System.Data.Common.DbException)
            {
                return Results.Json(new { status = "unavailable" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        return endpoints;
    }
}
