namespace JsonApiInvites.Domain.Invitations;

/// <summary>The email rules of SPEC §5: trimmed, at most 254 characters, compared case-insensitively.</summary>
public static class EmailAddress
{
    public const int MaxLength = 254;
    private const int MaxLocalPartLength = 64;

    public static string Normalize(string email) => email.Trim();

    /// <summary>The key under which uniqueness is enforced.</summary>
    public static string UniquenessKey(string normalizedEmail) => normalizedEmail.ToLowerInvariant();

    /// <summary>Returns why <paramref name="email"/> (already normalized) is not acceptable, or null when it is.</summary>
    public static string? Validate(string email)
    {
        if (email.Length == 0)
        {
            return "The email must not be empty.";
        }

        if (email.Length > MaxLength)
        {
            return $"The email must be at most {MaxLength} characters long.";
        }

        var at = email.LastIndexOf('@');
        if (at <= 0 || at == email.Length - 1 || email.IndexOf('@') != at)
        {
            return "The email must have the form local-part@domain.";
        }

        var local = email[..at];
        var domain = email[(at + 1)..];
        if (local.Length > MaxLocalPartLength)
        {
            return $"The part before '@' must be at most {MaxLocalPartLength} characters long.";
        }

        if (email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or '(' or ')' or ',' or ';' or ':' or '\\' or '"' or '[' or ']'))
        {
            return "The email must not contain spaces, control characters or any of <>(),;:\\\"[].";
        }

        if (local.StartsWith('.') || local.EndsWith('.') || local.Contains("..", StringComparison.Ordinal))
        {
            return "The part before '@' must not start or end with a dot or contain two dots in a row.";
        }

        var labels = domain.Split('.');
        if (labels.Length < 2 || labels.Any(l => l.Length is 0 or > 63 || l.StartsWith('-') || l.EndsWith('-') || !l.All(IsDomainChar)))
        {
            return "The domain must be a valid host name such as example.com.";
        }

        return null;
    }

    private static bool IsDomainChar(char c) => char.IsLetterOrDigit(c) || c == '-';
}
