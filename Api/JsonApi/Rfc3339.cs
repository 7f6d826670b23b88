using System.Globalization;

namespace JsonApiInvites.Api.JsonApi;

public static class Rfc3339
{
    /// <summary>UTC with whole seconds and a 'Z', e.g. <c>2026-11-23T02:40:57Z</c>.</summary>
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string? Format(DateTimeOffset? value) => value is { } v ? Format(v) : null;
}
