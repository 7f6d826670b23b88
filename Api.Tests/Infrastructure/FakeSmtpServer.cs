using System.Net;
using System.Net.Sockets;
using System.Text;

namespace JsonApiInvites.Api.Tests.Infrastructure;

/// <summary>
/// The far side of SMTP, for delivery tests (and, compiled in, the benchmark's SMTP sink): a loopback listener that
/// speaks just enough SMTP (no TLS, no auth) for MailKit to hand over a message, and keeps each message's raw DATA.
/// </summary>
public sealed class FakeSmtpServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _messages = [];
    private readonly int _answeredSessions;
    private readonly bool _keepMessages;
    private int _sessions;
    private long _received;

    /// <param name="answeredSessions">Sessions answered; later ones are accepted and never answered (a server gone silent).</param>
    /// <param name="port">The loopback port to listen on; 0 for any free one.</param>
    /// <param name="keepMessages">Keep each message's DATA (<see cref="Messages"/>), or only count them (<see cref="Received"/>).</param>
    public FakeSmtpServer(int answeredSessions = int.MaxValue, int port = 0, bool keepMessages = true)
    {
        _answeredSessions = answeredSessions;
        _keepMessages = keepMessages;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many messages were handed over.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>The server's settings that deliver to <paramref name="port"/> on loopback, without TLS.</summary>
    public static Dictionary<string, string?> Settings(int port) => new()
    {
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Smtp:Security"] = "None",
    };

    /// <summary>The server's settings that deliver here.</summary>
    public Dictionary<string, string?> Settings() => Settings(Port);

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            if (Interlocked.Increment(ref _sessions) > _answeredSessions)
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                }

                return;
            }

            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 fake-smtp ready");
            while (await reader.ReadLineAsync() is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO" or "HELO":
                        await writer.WriteLineAsync("250 fake-smtp");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync() is { } dataLine && dataLine != ".")
                        {
                            if (_keepMessages)
                            {
                                data.Append(dataLine).Append("\r\n");
                            }
                        }

                        Interlocked.Increment(ref _received);
                        if (_keepMessages)
                        {
                            lock (_messages)
                            {
                                _messages.Add(data.ToString());
                            }
                        }

                        await writer.WriteLineAsync("250 queued");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 bye");
                        return;
                    default:
                        await writer.WriteLineAsync("250 ok");
                        break;
                }
            }
        }
    }
}
