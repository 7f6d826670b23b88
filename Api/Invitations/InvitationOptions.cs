namespace JsonApiInvites.Api.Invitations;

/// <summary>Configuration section <c>Invites</c>.</summary>
public sealed class InvitationOptions
{
    public const string Section = "Invites";

    public int ExpiryDays { get; set; } = 7;
}
