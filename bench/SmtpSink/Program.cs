using System.Net;
using System.Net.Sockets;
using System.Text;

// A local SMTP server for the benchmark's "creates with email" scenario: it speaks just enough SMTP (no TLS, no
// auth) for MailKit to hand a message over, answers at once, counts messages and throws them away.
//   dotnet JsonApiInvites.Bench.SmtpSink.dll <port>
var port = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 2525;
var listener = new TcpListener(IPAddress.Loopback, port);
listener.Start();
Console.WriteLine($"smtp sink on 127.0.0.1:{port}");
long messages = 0;
using var report = new Timer(_ => Console.WriteLine($"{Interlocked.Read(ref messages)} messages"), null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
while (true)
{
    var client = await listener.AcceptTcpClientAsync();
    _ = ServeAsync(client);
}

async Task ServeAsync(TcpClient client)
{
    try
    {
        using (client)
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 bench-smtp ready");
            while (await reader.ReadLineAsync() is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO" or "HELO":
                        await writer.WriteLineAsync("250 bench-smtp");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                        while (await reader.ReadLineAsync() is { } data && data != ".")
                        {
                        }

                        Interlocked.Increment(ref messages);
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
    catch (IOException)
    {
        // The client went away mid-session.
    }
}
