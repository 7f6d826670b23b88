using JsonApiInvites.Api.Tests.Infrastructure;

// A local SMTP server for the benchmark's "creates with email" scenario: the tests' fake SMTP server on a fixed port,
// answering at once, counting messages and keeping none.
//   dotnet JsonApiInvites.Bench.SmtpSink.dll <port>
var port = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 2525;
using var smtp = new FakeSmtpServer(port: port, keepMessages: false);
Console.WriteLine($"smtp sink on 127.0.0.1:{smtp.Port}");
while (true)
{
    await Task.Delay(TimeSpan.FromSeconds(10));
    Console.WriteLine($"{smtp.Received} messages");
}
