using System.Text.Json;

namespace JsonApiInvites.Api.JsonApi;

public static class Rfc3339
{
    private const int Length = 20;

    /// <summary>UTC with whole seconds and a 'Z', e.g. <c>2026-11-23T02:40:57Z</c>.</summary>
    public static string Format(DateTimeOffset value)
    {
        Span<byte> text = stackalloc byte[Length];
        return System.Text.Encoding.ASCII.GetString(Format(value, text));
    }

    /// <summary>Writes the value as <see cref="Format(DateTimeOffset)"/> does, with no string in between.</summary>
    public static void WriteValue(Utf8JsonWriter writer, DateTimeOffset value)
    {
        Span<byte> text = stackalloc byte[Length];
        writer.WriteStringValue(Format(value, text));
    }

    private static ReadOnlySpan<byte> Format(DateTimeOffset value, Span<byte> text)
    {
        var utc = value.UtcDateTime;
        Digits(text[..4], utc.Year);
        text[4] = (byte)'-';
        Digits(text[5..7], utc.Month);
        text[7] = (byte)'-';
        Digits(text[8..10], utc.Day);
        text[10] = (byte)'T';
        Digits(text[11..13], utc.Hour);
        text[13] = (byte)':';
        Digits(text[14..16], utc.Minute);
        text[16] = (byte)':';
        Digits(text[17..19], utc.Second);
        text[19] = (byte)'Z';
        return text[..Length];
    }

    private static void Digits(Span<byte> target, int value)
    {
        for (var i = target.Length - 1; i >= 0; i--)
        {
            target[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
