package dynamodb

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// The tests run against dynalite (a DynamoDB-compatible server on Node.js,
// installed by examples/flask-dynamodb/scripts/install.sh, which `make test`
// runs first), started once for the package on a loopback port.
var (
	dynaliteURL string
	dynaliteErr error // why it did not start
	skipReason  string
)

func TestMain(m *testing.M) {
	stop := startDynalite()
	code := m.Run()
	stop()
	os.Exit(code)
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the test directory")
		}
		dir = parent
	}
}

func startDynalite() (stop func()) {
	stop = func() {}
	node, err := exec.LookPath("node")
	if err != nil {
		skipReason = "node is not installed: the DynamoDB audit tests need Node.js to run dynalite (examples/flask-dynamodb/scripts/install.sh installs it)"
		return stop
	}
	root, err := repoRoot()
	if err != nil {
		dynaliteErr = err
		return stop
	}
	cli := filepath.Join(root, "examples", "flask-dynamodb", "node_modules", "dynalite", "cli.js")
	if _, err := os.Stat(cli); err != nil {
		dynaliteErr = fmt.Errorf("dynalite is not installed (%s): run examples/flask-dynamodb/scripts/install.sh, or make test", cli)
		return stop
	}
	for try := 0; try < 3; try++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			dynaliteErr = err
			return stop
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		cmd := exec.Command(node, cli, "--host", "127.0.0.1", "--port", fmt.Sprint(port),
			"--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0")
		if err := cmd.Start(); err != nil {
			dynaliteErr = fmt.Errorf("start dynalite: %w", err)
			return stop
		}
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		stop = func() {
			cmd.Process.Kill()
			<-done
		}
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) {
			select {
			case <-done:
				deadline = time.Time{} // exited: the port was taken, try another
				continue
			default:
			}
			if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
				c.Close()
				dynaliteURL, dynaliteErr = "http://"+addr, nil
				return stop
			}
			time.Sleep(50 * time.Millisecond)
		}
		stop()
		stop = func() {}
		dynaliteErr = errors.New("dynalite did not start within 15s")
	}
	return stop
}

// client returns a DynamoDB client of the package's dynalite, or skips
// (node missing) or fails (dynalite missing or broken).
func client(t *testing.T) *dynamodb.Client {
	t.Helper()
	if skipReason != "" {
		t.Skip(skipReason)
	}
	if dynaliteErr != nil {
		t.Fatal(dynaliteErr)
	}
	return dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(dynaliteURL),
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
	})
}

// newTable creates a table (a fresh name per test) and puts items.
func newTable(t *testing.T, c *dynamodb.Client, in *dynamodb.CreateTableInput, items []map[string]any) string {
	t.Helper()
	ctx := context.Background()
	in.TableName = aws.String(fmt.Sprintf("%s-%d", aws.ToString(in.TableName), time.Now().UnixNano()))
	in.BillingMode = "PAY_PER_REQUEST"
	if _, err := c.CreateTable(ctx, in); err != nil {
		t.Fatalf("create table: %v", err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: in.TableName})
		if err == nil && d.Table.TableStatus == "ACTIVE" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("table %s not active: %v", aws.ToString(in.TableName), err)
		}
	}
	for _, it := range items {
		av, err := marshalItem(it)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: in.TableName, Item: av}); err != nil {
			t.Fatalf("put item: %v", err)
		}
	}
	return aws.ToString(in.TableName)
}
