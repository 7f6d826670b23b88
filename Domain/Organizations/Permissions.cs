namespace JsonApiInvites.Domain.Organizations;

/// <summary>The permissions a role or a token can hold (SPEC §7).</summary>
public static class Permissions
{
    public const string OrgRead = "org.read";
    public const string OrgUserRead = "org.user.read";
    public const string OrgUserInvite = "org.user.invite";
    public const string OrgAdmin = "org.admin";

    public static IReadOnlyList<string> All { get; } = [OrgRead, OrgUserRead, OrgUserInvite, OrgAdmin];

    public static bool IsKnown(string permission) => All.Contains(permission, StringComparer.Ordinal);
}
