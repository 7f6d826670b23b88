using System.Text;

namespace JsonApiInvites.Domain.Organizations;

public static class Slug
{
    /// <summary>Lower-case ASCII letters and digits, runs of anything else collapsed to one hyphen.</summary>
    public static string From(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name.Trim().ToLowerInvariant())
        {
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }

        var slug = builder.ToString().Trim('-');
        return slug.Length == 0 ? "org" : slug;
    }
}
