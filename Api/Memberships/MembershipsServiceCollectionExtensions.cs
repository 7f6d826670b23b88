namespace JsonApiInvites.Api.Memberships;

public static class MembershipsServiceCollectionExtensions
{
    /// <summary>Members, and the invitee's side: the invitation credential and accepting.</summary>
    public static IServiceCollection AddMemberships(this IServiceCollection services) =>
        services
            .AddSingleton<MembershipService>()
            .AddSingleton<Invitees.InvitationCredential>()
            .AddSingleton<Invitees.InviteeService>();
}
