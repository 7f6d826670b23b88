using System.Collections;
using System.Diagnostics;
using System.Globalization;

namespace JsonApiInvites.Api.Observability;

/// <summary>
/// The state of the per-request log line: what it says, formatted only where it is written. Structured providers
/// (the JSON formatter, OTLP) read it as the named values of <see cref="Template"/>, as they would the state of a
/// <c>LoggerMessage</c>; the console's simple format writes it straight to UTF-8 (<see cref="TryWriteMessage"/>),
/// without the message string, boxed values and formatting a template costs on every request.
/// </summary>
public readonly struct RequestLine(string method, PathString path, int status, double durationMs, string? errorId, ActivityTraceId? traceId)
    : IReadOnlyList<KeyValuePair<string, object?>>
{
    public const string Template = "{Method} {Path} {Status} {DurationMs:0.0} ms error {ErrorId} trace {TraceId}";

    public static readonly EventId EventId = new(1, "Served");

    public static readonly Func<RequestLine, Exception?, string> Formatter = (line, _) => line.ToString();

    /// <summary>The path as it came, still escaped: a <c>%0A</c> in it cannot start a forged log line.</summary>
    public string Path => path.HasValue ? path.ToUriComponent() : "/";

    public string ErrorId => errorId ?? "-";

    /// <summary>The trace id as hex (an <see cref="ActivityTraceId"/> keeps it as such: no formatting).</summary>
    public string TraceId => traceId?.ToHexString() ?? "-";

    public int Count => 7;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("Method", method),
        1 => new("Path", Path),
        2 => new("Status", status),
        3 => new("DurationMs", durationMs),
        4 => new("ErrorId", ErrorId),
        5 => new("TraceId", TraceId),
        6 => new("{OriginalFormat}", Template),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// The duration in tenths of a millisecond, rounded half away from zero: the line's <c>0.0</c>, written as two
    /// integers (formatting a <see cref="double"/> with a custom format cost the line a fifth of its price, bench).
    /// </summary>
    private long Tenths => (long)Math.Round(Math.Max(0, durationMs) * 10, MidpointRounding.AwayFromZero);

    public override string ToString()
    {
        var tenths = Tenths;
        return string.Create(CultureInfo.InvariantCulture, $"{method} {Path} {status} {tenths / 10}.{tenths % 10} ms error {ErrorId} trace {TraceId}");
    }

    /// <summary>Writes the message (what <see cref="ToString"/> returns) as UTF-8; false when it does not fit.</summary>
    public bool TryWriteMessage(Span<byte> destination, out int written)
    {
        written = 0;
        var tenths = Tenths;
        return Utf8Text.Append(destination, method, ref written) && Utf8Text.Append(destination, " ", ref written)
            && Utf8Text.Append(destination, Path, ref written) && Utf8Text.Append(destination, " ", ref written)
            && Utf8Text.Append(destination, status, default, ref written) && Utf8Text.Append(destination, " ", ref written)
            && Utf8Text.Append(destination, tenths / 10, default, ref written) && Utf8Text.Append(destination, ".", ref written)
            && Utf8Text.Append(destination, tenths % 10, default, ref written) && Utf8Text.Append(destination, " ms error ", ref written)
            && Utf8Text.Append(destination, ErrorId, ref written) && Utf8Text.Append(destination, " trace ", ref written)
            && Utf8Text.Append(destination, TraceId, ref written);
    }
}
