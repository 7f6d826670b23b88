using JsonApiInvites.Domain.Email;
using JsonApiInvites.Domain.Invitations;
using JsonApiInvites.Domain.Memberships;
using JsonApiInvites.Domain.Organizations;
using JsonApiInvites.Domain.Tokens;
using JsonApiInvites.Persistence.Postgres;
using JsonApiInvites.Persistence.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JsonApiInvites.Persistence;

public static class PersistenceServiceCollectionExtensions
{
    /// <summary>
    /// The database of <c>Database:Provider</c> at <c>ConnectionStrings:Invites</c>, the repositories on it, the
    /// migrator and the <c>database</c> readiness check. Configuration is read when the database is first used, so
    /// every configuration source (a test host's too) applies.
    /// </summary>
    public static IServiceCollection AddPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>()
            .Bind(configuration.GetSection(DatabaseOptions.Section))
            .Configure(options => options.ConnectionString = configuration.GetConnectionString(DatabaseOptions.ConnectionStringName));
        services.AddSingleton(provider => Create(provider.GetRequiredService<IOptions<DatabaseOptions>>().Value));
        services.AddSingleton<Migrator>();
        services.AddSingleton<IOrganizationRepository, OrganizationRepository>();
        services.AddSingleton<ITokenRepository, TokenRepository>();
        services.AddSingleton<IInvitationRepository, InvitationRepository>();
        services.AddSingleton<IMembershipRepository, MembershipRepository>();
        services.AddSingleton<IEmailOutbox, EmailOutbox>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [DatabaseHealthCheck.ReadyTag]);
        return services;
    }

    public static Database Create(DatabaseOptions options)
    {
        var connectionString = string.IsNullOrWhiteSpace(options.ConnectionString) ? null : options.ConnectionString;
        switch (options.Provider.Trim().ToLowerInvariant())
        {
            case DatabaseOptions.Sqlite:
                try
                {
                    return new SqliteDatabase(connectionString ?? DatabaseOptions.DefaultSqliteConnectionString);
                }
                catch (ArgumentException)
                {
                    // The parser's message may quote part of the string, a password among it: name the key only.
                    throw new DatabaseConfigurationException("ConnectionStrings:Invites is not a valid SQLite connection string (an unknown keyword or a value of the wrong kind).");
                }

            case DatabaseOptions.Postgres when connectionString is null:
                throw new DatabaseConfigurationException(
                    "ConnectionStrings:Invites is required with Database:Provider=postgres, for example 'Host=localhost;Database=invites;Username=invites;Password=…'.");
            case DatabaseOptions.Postgres:
                try
                {
                    return new PostgresDatabase(connectionString);
                }
                catch (ArgumentException)
                {
                    // The parser's message may quote part of the string, a password among it: name the key only.
                    throw new DatabaseConfigurationException(
                        "ConnectionStrings:Invites is not a valid PostgreSQL connection string (an unknown keyword or a value of the wrong kind; see Npgsql's connection string parameters).");
                }

            default:
                throw new DatabaseConfigurationException($"Database:Provider '{options.Provider}' is not supported; use 'sqlite' or 'postgres'.");
        }
    }
}
