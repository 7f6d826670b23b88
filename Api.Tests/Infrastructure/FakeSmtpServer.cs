using System.Net;
using System.Net.Sockets;
using System.Text;

namespace JsonApiInvites.Api.Tests.Infrastructure;

/// <summary>
/// The far side of SMTP, for delivery tests: a loopback listener that speaks just enough SMTP (no TLS, no auth) for
/// MailKit to hand over a message, and keeps each message's raw DATA.
/// </summary>
public sealed class FakeSmtpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _messages = [];
    private readonly int _answeredSessions;
    private int _sessions;

    /// <param name="answeredSessions">Sessions answered; later ones are accepted and never answered (a server gone silent).</param>
    public FakeSmtpServer(int answeredSessions = int.MaxValue)
    {
        _answeredSessions = answeredSessions;
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

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
                            data.Append(dataLine).Append("\r\n");
                        }

                        lock (_messages)
                        {
                            _messages.Add(data.ToString());
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
