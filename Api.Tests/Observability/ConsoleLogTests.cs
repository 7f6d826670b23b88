using System.Diagnostics;
using System.Text;
using JsonApiInvites.Api.Observability;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace JsonApiInvites.Api.Tests.Observability;

/// <summary>
/// The console logger's own parts: the request line written straight to UTF-8 is what ASP.NET Core's simple formatter
/// writes, lines reach the output in order and all of them by the stop, and an output that stops taking lines never
/// holds a request for long.
/// </summary>
public sealed class ConsoleLogTests
{
    private const string Category = "JsonApiInvites.Api.Observability.RequestLogMiddleware";

    private static readonly RequestLine[] Lines =
    [
        new("GET", new PathString("/orgs/4f7b/invites/9c1d"), 200, 0.4321, null, ActivityTraceId.CreateFromString("0af7651916cd43dd8448eb211c80319c")),
        new("POST", new PathString("/orgs/x\nfake line/invites"), 422, 12.05, "a1b2c3", null),
        new("DELETE", PathString.Empty, 500, 1234.5, "e-1", ActivityTraceId.CreateRandom()),
        new("HEAD", new PathString("/caf\u00e9/\u6771\u4eac"), 404, 0, "-", null),
    ];

    private static IEnumerable<TestCaseData> Formats()
    {
        foreach (var singleLine in new[] { true, false })
        {
            foreach (var timestamp in new[] { null, "yyyy ", "[yyyy] " })
            {
                foreach (var utc in new[] { false, true })
                {
                    yield return new TestCaseData(singleLine, timestamp, utc).SetArgDisplayNames($"singleLine={singleLine}", $"timestamp={timestamp ?? "none"}", $"utc={utc}");
                }
            }
        }
    }

    [TestCaseSource(nameof(Formats))]
    public void The_request_line_written_directly_is_byte_for_byte_what_the_simple_formatter_writes(bool singleLine, string? timestamp, bool utc)
    {
        var options = new SimpleConsoleFormatterOptions { SingleLine = singleLine, TimestampFormat = timestamp, UseUtcTimestamp = utc, ColorBehavior = LoggerColorBehavior.Disabled };
        var formatter = SimpleFormatter(options);
        foreach (var line in Lines)
        {
            foreach (var level in new[] { LogLevel.Information, LogLevel.Warning })
            {
                var expected = new StringWriter();
                formatter.Write(new LogEntry<RequestLine>(level, Category, RequestLine.EventId, line, null, RequestLine.Formatter), null, expected);
                var bytes = new byte[2048];
                var now = utc ? DateTimeOffset.UtcNow : DateTimeOffset.Now;

                var length = BatchedConsoleLoggerProvider.WriteSimple(in line, level, Category, RequestLine.EventId, options, now, bytes);

                Assert.That(Encoding.UTF8.GetString(bytes, 0, length), Is.EqualTo(expected.ToString()));
            }
        }
    }

    [Test]
    public void The_request_lines_message_is_its_templates_and_its_values_are_named_for_structured_logs()
    {
        var line = Lines[1];
        var bytes = new byte[256];

        Assert.That(line.TryWriteMessage(bytes, out var length), Is.True);
        Assert.That(Encoding.UTF8.GetString(bytes, 0, length), Is.EqualTo(line.ToString()));
        Assert.That(line.ToString(), Is.EqualTo("POST /orgs/x%0Afake%20line/invites 422 12.1 ms error a1b2c3 trace -"), "escaped path, one decimal, invariant culture");
        Assert.That(line.ToDictionary(p => p.Key, p => p.Value), Is.EquivalentTo(new Dictionary<string, object?>
        {
            ["Method"] = "POST",
            ["Path"] = "/orgs/x%0Afake%20line/invites",
            ["Status"] = 422,
            ["DurationMs"] = 12.05,
            ["ErrorId"] = "a1b2c3",
            ["TraceId"] = "-",
            ["{OriginalFormat}"] = RequestLine.Template,
        }));
        Assert.That(line.TryWriteMessage(new byte[20], out _), Is.False, "too small a buffer is reported, not overrun");
    }

    [Test]
    public void The_duration_is_what_its_templates_format_writes_for_every_microsecond_up_to_two_seconds_and_beyond()
    {
        // The line writes the duration as whole tenths of a millisecond (integers are cheaper to format than a double
        // with a custom format); the text must stay what "{DurationMs:0.0}" gives.
        var random = new Random(15);
        var durations = Enumerable.Range(0, 2_000_001).Select(us => us / 1000.0)
            .Concat(Enumerable.Range(0, 100_000).Select(_ => random.NextDouble() * 100_000));
        var bytes = new byte[256];
        foreach (var duration in durations)
        {
            var line = new RequestLine("GET", new PathString("/"), 200, duration, null, null);
            var expected = $"GET / 200 {duration.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} ms error - trace -";
            line.TryWriteMessage(bytes, out var length);
            if (line.ToString() != expected || !bytes.AsSpan(0, length).SequenceEqual(Encoding.UTF8.GetBytes(expected)))
            {
                Assert.Fail($"{duration:R} ms: expected \"{expected}\", got \"{line}\" and \"{Encoding.UTF8.GetString(bytes, 0, length)}\"");
            }
        }
    }

    [Test]
    public void A_change_of_the_consoles_settings_reaches_the_lines_written_after_it()
    {
        var output = new MemoryStream();
        var error = new MemoryStream();
        var options = new ChangingOptions<ConsoleLoggerOptions>(new ConsoleLoggerOptions());
        var provider = Provider(output, error, options);
        var logger = provider.CreateLogger(Category);

        logger.Log(LogLevel.Information, RequestLine.EventId, Lines[0], null, RequestLine.Formatter);
        options.Change(new ConsoleLoggerOptions { FormatterName = ConsoleFormatterNames.Json, LogToStandardErrorThreshold = LogLevel.Information });
        logger.Log(LogLevel.Information, RequestLine.EventId, Lines[1], null, RequestLine.Formatter);
        provider.Dispose();

        Assert.That(Encoding.UTF8.GetString(output.ToArray()), Is.EqualTo($"info: {Category}[1] {Lines[0]}" + Environment.NewLine), "before the change: the simple format, on standard output");
        var json = System.Text.Json.Nodes.JsonNode.Parse(Encoding.UTF8.GetString(error.ToArray()))!;
        Assert.That(json["Message"]!.GetValue<string>(), Is.EqualTo(Lines[1].ToString()), "after it: JSON, on standard error");
    }

    [Test]
    public void Every_line_reaches_the_output_in_order_by_the_stop_and_warnings_go_to_standard_error()
    {
        var output = new MemoryStream();
        var error = new MemoryStream();
        var provider = Provider(output, error, new ConsoleLoggerOptions { LogToStandardErrorThreshold = LogLevel.Warning });
        var logger = provider.CreateLogger(Category);
        var other = provider.CreateLogger("Other");

        for (var i = 0; i < 2_000; i++)
        {
            logger.Log(LogLevel.Information, RequestLine.EventId, new RequestLine("GET", new PathString("/n/" + i), 200, 1, null, null), null, RequestLine.Formatter);
        }

        other.LogWarning("Something {Happened}", "odd");
        provider.Dispose();

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(2_000));
        Assert.That(lines.Select((l, i) => l == $"info: {Category}[1] GET /n/{i} 200 1.0 ms error - trace -"), Is.All.True);
        Assert.That(Encoding.UTF8.GetString(error.ToArray()), Is.EqualTo("warn: Other[0] Something odd" + Environment.NewLine));
    }

    [Test]
    public void Lines_in_another_format_go_through_its_formatter()
    {
        var output = new MemoryStream();
        var provider = Provider(output, new MemoryStream(), new ConsoleLoggerOptions { FormatterName = ConsoleFormatterNames.Json });
        provider.CreateLogger(Category).Log(LogLevel.Information, RequestLine.EventId, Lines[0], null, RequestLine.Formatter);
        provider.Dispose();

        var json = System.Text.Json.Nodes.JsonNode.Parse(Encoding.UTF8.GetString(output.ToArray()))!;
        Assert.That(json["Message"]!.GetValue<string>(), Is.EqualTo(Lines[0].ToString()));
        Assert.That(json["State"]!["TraceId"]!.GetValue<string>(), Is.EqualTo("0af7651916cd43dd8448eb211c80319c"));
        Assert.That(json["State"]!["Status"]!.GetValue<int>(), Is.EqualTo(200));
    }

    [Test]
    public void An_output_that_stops_taking_lines_holds_a_line_for_a_second_at_most_and_one_that_fails_takes_none()
    {
        using var stuck = new StuckStream();
        var provider = Provider(stuck, new MemoryStream(), new ConsoleLoggerOptions());
        var logger = provider.CreateLogger("Big");
        var text = new string('x', 4000);

        // The writer is stuck on its first batch (at most 8 MiB and a line), then 8 MiB more may wait: the first line
        // beyond that waits a second for room, later ones are dropped at once.
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 4_400; i++)
        {
            logger.LogInformation("{Text}", text);
        }

        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "a stuck output holds one line a second, not every line");
        Assert.That(clock.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(0.9)), "the line over the limit waited for room");

        stuck.Fail();
        Thread.Sleep(200);
        var failed = Stopwatch.StartNew();
        for (var i = 0; i < 3_000; i++)
        {
            logger.LogInformation("{Text}", text);
        }

        Assert.That(failed.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)), "a failed output drops lines without waiting");
        provider.Dispose();
    }

    private static ConsoleFormatter SimpleFormatter(SimpleConsoleFormatterOptions options)
    {
        var services = new ServiceCollection().AddLogging(logging => logging.AddSimpleConsole(o =>
        {
            o.SingleLine = options.SingleLine;
            o.TimestampFormat = options.TimestampFormat;
            o.UseUtcTimestamp = options.UseUtcTimestamp;
            o.ColorBehavior = options.ColorBehavior;
        })).BuildServiceProvider();
        return services.GetServices<ConsoleFormatter>().Single(f => f.Name == ConsoleFormatterNames.Simple);
    }

    private static BatchedConsoleLoggerProvider Provider(Stream output, Stream error, ConsoleLoggerOptions options) =>
        Provider(output, error, new ChangingOptions<ConsoleLoggerOptions>(options));

    private static BatchedConsoleLoggerProvider Provider(Stream output, Stream error, IOptionsMonitor<ConsoleLoggerOptions> options)
    {
        var services = new ServiceCollection().AddLogging(logging => logging.AddConsole().AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.ColorBehavior = LoggerColorBehavior.Disabled;
        })).BuildServiceProvider();
        return new BatchedConsoleLoggerProvider(
            options,
            services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>(),
            services.GetServices<ConsoleFormatter>(),
            output,
            error);
    }

    /// <summary>Options that change only when told to, as a reloaded configuration file changes them.</summary>
    private sealed class ChangingOptions<T>(T value) : IOptionsMonitor<T>
    {
        private readonly List<Action<T, string?>> _listeners = [];

        public T CurrentValue { get; private set; } = value;

        public T Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<T, string?> listener)
        {
            _listeners.Add(listener);
            return null;
        }

        public void Change(T changed)
        {
            CurrentValue = changed;
            foreach (var listener in _listeners)
            {
                listener(changed, Options.DefaultName);
            }
        }
    }

    /// <summary>An output that blocks every write (a full pipe nobody reads) until it is made to fail.</summary>
    private sealed class StuckStream : MemoryStream
    {
        private readonly ManualResetEventSlim _failed = new();

        public void Fail() => _failed.Set();

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _failed.Wait();
            throw new IOException("The pipe is broken.");
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        protected override void Dispose(bool disposing)
        {
            _failed.Set();
            _failed.Dispose();
            base.Dispose(disposing);
        }
    }
}
