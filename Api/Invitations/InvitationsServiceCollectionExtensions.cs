namespace JsonApiInvites.Api.Invitations;

public static class InvitationsServiceCollectionExtensions
{
    public static IServiceCollection AddInvitations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<InvitationOptions>()
            .Bind(configuration.GetSection(InvitationOptions.Section))
            .Validate(o => o.ExpiryDays is >= 1 and <= 365, "Invites:ExpiryDays must be from 1 to 365.")
            .ValidateOnStart();
        services.AddSingleton<Roles.RoleGrants>();
        services.AddSingleton<InvitationService>();
        return services;
    }
}
