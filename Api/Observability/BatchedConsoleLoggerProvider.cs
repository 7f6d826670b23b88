using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace JsonApiInvites.Api.Observability;

/// <summary>
/// The console logger, writing in batches. ASP.NET Core's own writes every line to an auto-flushed console, one system
/// call per line: at tens of thousands of requests a second the per-request log line alone cost a third of the
/// server's throughput (bench/run, GET one). This provider formats with the same formatters and settings
/// (<c>Logging:Console:FormatterName</c> <c>simple</c>|<c>json</c>|<c>systemd</c>, <c>FormatterOptions</c>,
/// <c>LogToStandardErrorThreshold</c>) on the logging thread into UTF-8 buffers, and a background thread writes what
/// has gathered with one write per batch. The request line (<see cref="RequestLine"/>) in the simple format is
/// written straight to UTF-8, byte for byte what the simple formatter writes (tested). Lines gathered when the
/// process is killed are lost (at most one batch); a normal stop writes them all.
/// </summary>
[ProviderAlias("Console")]
public sealed class BatchedConsoleLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    /// <summary>At most this much waits to be written; beyond it a line waits up to a second for room, then is dropped.</summary>
    private const int MaxPending = 8 * 1024 * 1024;

    /// <summary>How long a batch gathers before it is written: how late a line may appear.</summary>
    private static readonly TimeSpan GatherFor = TimeSpan.FromMilliseconds(10);

    private readonly IOptionsMonitor<ConsoleLoggerOptions> _options;
    private readonly IOptionsMonitor<SimpleConsoleFormatterOptions> _simpleOptions;
    private readonly Dictionary<string, ConsoleFormatter> _formatters;
    private readonly object _lock = new();
    private readonly SemaphoreSlim _ready = new(0, 1);
    private readonly Thread _writer;
    private readonly Stream _output;
    private readonly Stream _error;
    private ArrayBufferWriter<byte> _pendingOutput = new(64 * 1024);
    private ArrayBufferWriter<byte> _pendingError = new(4 * 1024);
    private bool _signalled;
    private bool _stalled;
    private volatile bool _closed;
    private readonly IDisposable?[] _subscriptions;
    private volatile Settings _settings;
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public BatchedConsoleLoggerProvider(IOptionsMonitor<ConsoleLoggerOptions> options, IOptionsMonitor<SimpleConsoleFormatterOptions> simpleOptions, IEnumerable<ConsoleFormatter> formatters)
        : this(options, simpleOptions, formatters, Console.OpenStandardOutput(), Console.OpenStandardError())
    {
    }

    /// <summary>Writes to <paramref name="output"/> and <paramref name="error"/> instead of the console (tests).</summary>
    internal BatchedConsoleLoggerProvider(IOptionsMonitor<ConsoleLoggerOptions> options, IOptionsMonitor<SimpleConsoleFormatterOptions> simpleOptions, IEnumerable<ConsoleFormatter> formatters, Stream output, Stream error)
    {
        _options = options;
        _simpleOptions = simpleOptions;
        _formatters = formatters.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        _output = output;
        _error = error;
        // Listening first, then reading: a change made in between is not missed.
        _subscriptions = [options.OnChange((_, _) => _settings = ReadSettings()), simpleOptions.OnChange((_, _) => _settings = ReadSettings())];
        _settings = ReadSettings();
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "Console log writer" };
        _writer.Start();
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription?.Dispose();
        }

        lock (_lock)
        {
            _closed = true;
            Signal();
        }

        _writer.Join(TimeSpan.FromSeconds(5));
    }

    /// <summary>
    /// What writing a line needs of the settings, read when they change rather than on every line (reading the options
    /// three times a line, bench, GET one): the formatter, whether the request line is written directly, and from
    /// which level lines go to standard error.
    /// </summary>
    private sealed record Settings(ConsoleFormatter Formatter, SimpleConsoleFormatterOptions? DirectSimple, LogLevel ErrorThreshold);

    private Settings ReadSettings() => new(
        _formatters.TryGetValue(_options.CurrentValue.FormatterName ?? ConsoleFormatterNames.Simple, out var formatter) ? formatter : _formatters[ConsoleFormatterNames.Simple],
        DirectSimpleFormat(),
        _options.CurrentValue.LogToStandardErrorThreshold);

    /// <summary>
    /// The simple format's settings when the request line can be written straight to UTF-8: the simple formatter, no
    /// scopes, no colours (disabled, or the default on a redirected console, as under a service manager or in a
    /// container). Otherwise null, and the formatter writes the line.
    /// </summary>
    private SimpleConsoleFormatterOptions? DirectSimpleFormat()
    {
        var name = _options.CurrentValue.FormatterName ?? ConsoleFormatterNames.Simple;
        if (!string.Equals(name, ConsoleFormatterNames.Simple, StringComparison.OrdinalIgnoreCase) || !_formatters.ContainsKey(ConsoleFormatterNames.Simple))
        {
            return null;
        }

        var simple = _simpleOptions.CurrentValue;
        var colourless = simple.ColorBehavior == LoggerColorBehavior.Disabled
            || (simple.ColorBehavior == LoggerColorBehavior.Default && Console.IsOutputRedirected && !AnsiColoursForced);
        return simple.IncludeScopes || !colourless ? null : simple;
    }

    private static readonly bool AnsiColoursForced =
        Environment.GetEnvironmentVariable("DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION") is { } forced
        && (forced == "1" || forced.Equals("true", StringComparison.OrdinalIgnoreCase));

    /// <summary>Adds a formatted line (UTF-8) to what the writer takes next.</summary>
    private void Append(ReadOnlySpan<byte> line, LogLevel level)
    {
        var toError = level >= _settings.ErrorThreshold;
        lock (_lock)
        {
            if (_closed)
            {
                return; // stopped, or the console is gone (closed, failed): nothing can be written any more
            }

            // The writer is behind by MaxPending bytes: wait a moment for room rather than lose lines, but never hang
            // requests on a console that stopped taking output: a line is dropped after a second, and later ones at
            // once until the writer takes a batch again.
            var deadline = Environment.TickCount64 + 1000;
            while (_pendingOutput.WrittenCount + _pendingError.WrittenCount > MaxPending)
            {
                var left = deadline - Environment.TickCount64;
                if (_stalled || left <= 0 || _closed)
                {
                    _stalled = true;
                    return;
                }

                Monitor.Wait(_lock, (int)left); // the writer pulses when it takes a batch
            }

            (toError ? _pendingError : _pendingOutput).Write(line);
            Signal();
        }
    }

    /// <summary>Wakes the writer once per batch (under the lock).</summary>
    private void Signal()
    {
        if (!_signalled)
        {
            _signalled = true;
            _ready.Release();
        }
    }

    private void WriteLoop()
    {
        var output = new ArrayBufferWriter<byte>(64 * 1024);
        var error = new ArrayBufferWriter<byte>(4 * 1024);
        try
        {
            while (true)
            {
                // Woken by the first line of a batch, the writer lets the batch gather for a moment: waking it for
                // every line would cost a thread switch per request, more than formatting the line.
                _ready.Wait();
                if (!_closed)
                {
                    Thread.Sleep(GatherFor);
                }

                bool closed;
                lock (_lock)
                {
                    (output, _pendingOutput) = (_pendingOutput, output);
                    (error, _pendingError) = (_pendingError, error);
                    _signalled = false;
                    _stalled = false;
                    closed = _closed;
                    Monitor.PulseAll(_lock);
                }

                output = Write(_output, output);
                error = Write(_error, error);
                if (closed)
                {
                    return;
                }
            }
        }
        catch (Exception)
        {
            // A console that fails (closed, disk full) takes no more lines: later ones are dropped, never waited for.
            // Whatever the failure, it must not end the process from this thread.
            lock (_lock)
            {
                _closed = true;
                _pendingOutput.Clear();
                _pendingError.Clear();
                Monitor.PulseAll(_lock);
            }
        }
    }

    /// <summary>Writes a batch; returns the buffer to fill next (a new one after a burst, so its memory goes).</summary>
    private static ArrayBufferWriter<byte> Write(Stream stream, ArrayBufferWriter<byte> batch)
    {
        if (batch.WrittenCount == 0)
        {
            return batch;
        }

        stream.Write(batch.WrittenSpan);
        stream.Flush();
        if (batch.Capacity > 1024 * 1024)
        {
            return new ArrayBufferWriter<byte>(64 * 1024);
        }

        batch.Clear();
        return batch;
    }

    /// <summary>
    /// Writes the request line as the simple formatter would: <c>[timestamp]info: category[1] message</c> and a new
    /// line, or, not single-line, the message on a second line indented by six spaces. Returns how many bytes.
    /// </summary>
    internal static int WriteSimple(in RequestLine line, LogLevel level, string category, EventId eventId, SimpleConsoleFormatterOptions options, DateTimeOffset now, Span<byte> destination)
    {
        var written = 0;
        Span<char> stamp = stackalloc char[128];
        if (options.TimestampFormat is { } format)
        {
            if (!now.TryFormat(stamp, out var length, format) || !Utf8Text.Append(destination, stamp[..length], ref written))
            {
                return -1;
            }
        }

        if (!Utf8Text.Append(destination, LevelText(level), ref written) || !Utf8Text.Append(destination, ": ", ref written)
            || !Utf8Text.Append(destination, category, ref written) || !Utf8Text.Append(destination, "[", ref written)
            || !Utf8Text.Append(destination, eventId.Id, default, ref written)
            || !Utf8Text.Append(destination, options.SingleLine ? "] " : MessageOnItsOwnLine, ref written)
            || !line.TryWriteMessage(destination[written..], out var message))
        {
            return -1;
        }

        written += message;
        return Utf8Text.Append(destination, Environment.NewLine, ref written) ? written : -1;
    }

    private static readonly string MessageOnItsOwnLine = "]" + Environment.NewLine + "      ";

    private static string LevelText(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    private sealed class Logger(BatchedConsoleLoggerProvider provider, string category) : ILogger
    {
        [ThreadStatic]
        private static StringWriter? _text;

        [ThreadStatic]
        private static byte[]? _bytes;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            if (typeof(TState) == typeof(RequestLine) && exception is null && provider._settings.DirectSimple is { } simple)
            {
                var bytes = _bytes ??= new byte[2048];
                var now = simple.TimestampFormat is null ? default : simple.UseUtcTimestamp ? DateTimeOffset.UtcNow : DateTimeOffset.Now;
                var length = WriteSimple(in Unsafe.As<TState, RequestLine>(ref state), logLevel, category, eventId, simple, now, bytes);
                if (length >= 0)
                {
                    provider.Append(bytes.AsSpan(0, length), logLevel);
                    return;
                }
            }

            // The thread's buffer is taken while in use, so a log call made while formatting gets a buffer of its own.
            var buffer = _text ?? new StringWriter(new StringBuilder(256), System.Globalization.CultureInfo.InvariantCulture);
            _text = null;
            try
            {
                var entry = new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter);
                provider._settings.Formatter.Write(in entry, provider._scopes, buffer);
                var text = buffer.GetStringBuilder();
                if (text.Length > 0)
                {
                    var line = text.ToString();
                    provider.Append(Encoding.UTF8.GetBytes(line), logLevel);
                }
            }
            finally
            {
                var text = buffer.GetStringBuilder().Clear();
                if (text.Capacity > 16 * 1024)
                {
                    text.Capacity = 256;
                }

                _text = buffer;
            }
        }
    }
}
