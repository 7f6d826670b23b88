using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace JsonApiInvites.Api.Observability;

/// <summary>
/// The console logger, writing in batches. ASP.NET Core's own writes every line to an auto-flushed console, one system
/// call per line: at tens of thousands of requests a second the per-request log line alone cost a third of the
/// server's throughput (bench/run, GET one). This provider formats with the same formatters and settings
/// (<c>Logging:Console:FormatterName</c> <c>simple</c>|<c>json</c>|<c>systemd</c>, <c>FormatterOptions</c>,
/// <c>LogToStandardErrorThreshold</c>) on the logging thread, and a background thread writes whatever has queued up
/// with one flush per batch. Lines queued when the process is killed are lost (at most one batch); a normal stop
/// writes them all.
/// </summary>
[ProviderAlias("Console")]
public sealed class BatchedConsoleLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private const int MaxQueued = 65_536;
    private readonly IOptionsMonitor<ConsoleLoggerOptions> _options;
    private readonly ConcurrentDictionary<string, ConsoleFormatter> _formatters;
    private readonly Channel<(string Line, bool Error)> _queue =
        Channel.CreateBounded<(string, bool)>(new BoundedChannelOptions(MaxQueued) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Task _writer;
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public BatchedConsoleLoggerProvider(IOptionsMonitor<ConsoleLoggerOptions> options, IEnumerable<ConsoleFormatter> formatters)
    {
        _options = options;
        _formatters = new ConcurrentDictionary<string, ConsoleFormatter>(formatters.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        _writer = Task.Factory.StartNew(WriteAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        try
        {
            _writer.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The writer had failed; nothing more to flush.
        }
    }

    private ConsoleFormatter Formatter =>
        _formatters.TryGetValue(_options.CurrentValue.FormatterName ?? ConsoleFormatterNames.Simple, out var formatter) ? formatter : _formatters[ConsoleFormatterNames.Simple];

    private void Enqueue(string line, LogLevel level)
    {
        var item = (line, level >= _options.CurrentValue.LogToStandardErrorThreshold);
        if (_queue.Writer.TryWrite(item) || _writer.IsCompleted)
        {
            return; // queued, or the console is gone (closed, failed): nothing can be written any more
        }

        // The writer is behind by MaxQueued lines: wait a moment for room rather than lose lines, but never hang a
        // request on a console that stopped taking output (a line is dropped after a second).
        try
        {
            _queue.Writer.WriteAsync(item).AsTask().Wait(TimeSpan.FromSeconds(1));
        }
        catch (AggregateException)
        {
            // Closed meanwhile.
        }
    }

    private async Task WriteAsync()
    {
        // Writes are synchronous into the writers' buffers; only a flush, once per batch, reaches the console.
        using var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 64 * 1024) { AutoFlush = false };
        using var error = new StreamWriter(Console.OpenStandardError(), new UTF8Encoding(false), 16 * 1024) { AutoFlush = false };
        var reader = _queue.Reader;
        try
        {
            await DrainAsync(reader, output, error).ConfigureAwait(false);
        }
        finally
        {
            // A console that fails (closed, disk full) takes no more lines: later ones are dropped, never waited for.
            _queue.Writer.TryComplete();
        }
    }

    private static async Task DrainAsync(ChannelReader<(string Line, bool Error)> reader, StreamWriter output, StreamWriter error)
    {
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            bool wroteOutput = false, wroteError = false;
            while (reader.TryRead(out var item))
            {
                (item.Error ? error : output).Write(item.Line);
                wroteOutput |= !item.Error;
                wroteError |= item.Error;
            }

            if (wroteOutput)
            {
                output.Flush();
            }

            if (wroteError)
            {
                error.Flush();
            }
        }
    }

    private sealed class Logger(BatchedConsoleLoggerProvider provider, string category) : ILogger
    {
        [ThreadStatic]
        private static StringWriter? _buffer;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            // The thread's buffer is taken while in use, so a log call made while formatting gets a buffer of its own.
            var buffer = _buffer ?? new StringWriter(new StringBuilder(256), System.Globalization.CultureInfo.InvariantCulture);
            _buffer = null;
            string line;
            try
            {
                var entry = new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter);
                provider.Formatter.Write(in entry, provider._scopes, buffer);
                line = buffer.GetStringBuilder().ToString();
            }
            finally
            {
                var text = buffer.GetStringBuilder().Clear();
                if (text.Capacity > 16 * 1024)
                {
                    text.Capacity = 256;
                }

                _buffer = buffer;
            }

            if (line.Length > 0)
            {
                provider.Enqueue(line, logLevel);
            }
        }
    }
}
