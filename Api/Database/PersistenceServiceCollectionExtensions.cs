using JsonApiInvites.Domain.Invitations;
using JsonApiInvites.Domain.Organizations;
using JsonApiInvites.Domain.Tokens;
using JsonApiInvites.Persistence;

namespace JsonApiInvites.Api.Database;

public static class PersistenceServiceCollectionExtensions
{
    public static IServiceCollection AddSqlitePersistence(this IServiceCollection services, string connectionString)
    {
        services.AddSingleton(new DatabaseOptions { ConnectionString = connectionString });
        services.AddSingleton<SqliteConnectionFactory>();
        services.AddSingleton<Migrator>();
        services.AddSingleton<IOrganizationRepository, OrganizationRepository>();
        services.AddSingleton<ITokenRepository, TokenRepository>();
        services.AddSingleton<IInvitationRepository, InvitationRepository>();
        return services;
    }
}
