using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Domain;

namespace JsonApiInvites.Api.Paging;

/// <summary>Opaque keyset cursors: <c>v1.</c> + base64url of <c>{"t":unixMs,"id":"uuid"}</c>.</summary>
public static class PageCursor
{
    private const string Prefix = "v1.";

    private sealed record Payload([property: JsonPropertyName("t")] long Time, [property: JsonPropertyName("id")] Guid Id);

    public static string Encode(ListPosition position) =>
        Prefix + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Payload(position.CreatedAt.ToUnixTimeMilliseconds(), position.Id)));

    public static ListPosition Decode(string parameter, string value)
    {
        try
        {
            if (value.StartsWith(Prefix, StringComparison.Ordinal)
                && JsonSerializer.Deserialize<Payload>(Base64Url.DecodeFromChars(value.AsSpan(Prefix.Length))) is { Time: >= 0 } payload)
            {
                return new ListPosition(DateTimeOffset.FromUnixTimeMilliseconds(payload.Time), payload.Id);
            }
        }
        catch (Exception exception) when (exception is FormatException or JsonException or ArgumentOutOfRangeException)
        {
            // Reported below like any other unreadable cursor.
        }

        throw new JsonApiException(Errors.InvalidQueryParameter(parameter, $"'{parameter}' is not a cursor this API issued; use the links of a previous page."));
    }
}
