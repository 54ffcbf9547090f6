using System.Xml.Linq;
using Exchange.Storage;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Exchange.Node.Store;

/// <summary>
/// The Data Protection key ring in the node's own PostgreSQL schema, so that every replica of a domain service
/// reads what another stored. A key is written once and never changed (revocation is a new element).
/// </summary>
public sealed class DatabaseKeyRepository(NodeDatabase database) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = database.Open();
        using var command = Sql.Command(connection, null, "SELECT xml FROM data_protection_keys ORDER BY name");
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = database.Open();
        Sql.Execute(connection, null, "INSERT INTO data_protection_keys (name, xml) VALUES (@name, @xml) ON CONFLICT DO NOTHING",
            ("@name", friendlyName), ("@xml", element.ToString(SaveOptions.DisableFormatting)));
    }
}
