using JsonApiInvites.Api.Configuration;

namespace JsonApiInvites.Api.Invitations;

public static class InvitationsServiceCollectionExtensions
{
    public static IServiceCollection AddInvitations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCheckedOptions<InvitationOptions>(configuration, InvitationOptions.Section)
            .Range("Invites:ExpiryDays", o => o.ExpiryDays, 1, 365, "days");
        services.AddSingleton<Roles.RoleGrants>();
        services.AddSingleton<InvitationService>();
        services.AddSingleton<InvitationRequests>();
        return services;
    }
}
